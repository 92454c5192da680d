import type { CreateTask, Priority, ReplaceTask, UpdateTask } from "@tandem/contracts";
import type { Dialect } from "@tandem/db";
import { type Expression, type RawBuilder, sql } from "kysely";

// The column values a write sets, shared by personal and team tasks: the owner columns and the
// statements themselves are the queries' business.

/** The columns of a new task from its body, omitted fields at their defaults (owner not included). */
export function newTaskFields(input: CreateTask, now: string) {
  const completed = input.completed ?? false;
  return {
    title: input.title,
    description: input.description ?? null,
    completed: completed ? 1 : 0,
    priority: input.priority ?? ("medium" satisfies Priority),
    due_at: input.dueAt ?? null,
    completed_at: completed ? now : null,
    created_at: now,
    updated_at: now,
  };
}

function completedAtFor(completed: boolean | undefined, now: string): Expression<unknown> | undefined {
  if (completed === undefined) return undefined;
  // Keep the original completion time when an already-completed task is marked completed again.
  return completed ? sql`coalesce(completed_at, ${now})` : sql`null`;
}

/** The `SET` of an update that applies the given fields (and stamps `updated_at`). */
export function taskChanges(patch: UpdateTask, now: string) {
  const completedAt = completedAtFor(patch.completed, now);
  return {
    ...(patch.title === undefined ? {} : { title: patch.title }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.priority === undefined ? {} : { priority: patch.priority }),
    ...(patch.dueAt === undefined ? {} : { due_at: patch.dueAt }),
    ...(patch.completed === undefined ? {} : { completed: patch.completed ? 1 : 0 }),
    ...(completedAt === undefined ? {} : { completed_at: completedAt as RawBuilder<string | null> }),
    updated_at: now,
  };
}

/** PUT as a patch: every field is set; omitted optional fields return to their defaults. */
export function replacementOf(input: ReplaceTask): UpdateTask {
  return {
    title: input.title,
    description: input.description ?? null,
    completed: input.completed ?? false,
    priority: input.priority ?? "medium",
    dueAt: input.dueAt ?? null,
  };
}

/** The `SET` of a toggle: completion flipped from the row's own value, in the statement itself. */
export function toggleChanges(dialect: Dialect, now: string) {
  // Postgres types a bare parameter inside CASE as text, which a timestamptz column refuses.
  const nowValue = dialect === "postgres" ? sql`${now}::timestamptz` : sql`${now}`;
  return {
    completed: sql<number>`not completed`,
    completed_at: sql<string | null>`(case when completed then null else ${nowValue} end)`,
    updated_at: now,
  };
}
