import type { Database } from "@tandem/db";
import type { Task, TaskPage } from "@tandem/contracts";
import { type RawBuilder, type Selectable, sql } from "kysely";

/**
 * JSON text known to hold a `T`, sent as it is instead of being parsed into objects and
 * serialised again.
 */
export type JsonText<T> = string & { readonly __jsonOf?: T };

/** A personal task as the queries read it (`user_id` is always the caller's, so it is not read back; the team columns are null). */
export type TaskRow = Omit<
  Selectable<Database["task"]>,
  "user_id" | "team_id" | "created_by" | "assignee_id"
>;

/** What a task response needs. */
export const TASK_COLUMNS = [
  "id",
  "title",
  "description",
  "completed",
  "priority",
  "due_at",
  "completed_at",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof TaskRow)[];

/** A listed row: its columns, or its JSON already built by the database (`sqliteTaskJson`). */
export type ListRowOf<Row, Item> = Row | { json: JsonText<Item> };

/** A page of a list as the queries return it. */
export interface ListPage<Row, Item> {
  rows: ListRowOf<Row, Item>[];
  nextCursor: string | null;
}

export type TaskListRow = ListRowOf<TaskRow, Task>;
export type TaskListPage = ListPage<TaskRow, Task>;

/**
 * A `task` row as the JSON of the API's `Task`, built by SQLite: building the text in C is
 * cheaper than creating nine JS values per row and running `JSON.stringify` over them (figures in
 * docs/decisions/007-list-path-database-tuning.md). SQLite already stores instants as the API's
 * ISO text and has no boolean type (0/1), hence `json('true')`, which json_object writes as a
 * JSON true rather than a string.
 *
 * Postgres is not asked to do the same: formatting its timestamptz values as that text (to_char)
 * cost the database more CPU than it saved the API (decision 007). Single-task responses go
 * through `toTask` on both engines; a test checks that both give the same task.
 */
export const sqliteTaskJson: RawBuilder<JsonText<Task>> = sql`json_object(${sqliteTaskFields()})`;

/**
 * The arguments of `sqliteTaskJson`'s `json_object`, for a JSON object that extends the task
 * (a team's task adds its own fields after them).
 */
export function sqliteTaskFields(): RawBuilder<unknown> {
  return sql`'id', id, 'title', title,
  'description', description, 'completed', json(case when completed then 'true' else 'false' end),
  'priority', priority, 'dueAt', due_at, 'completedAt', completed_at, 'createdAt', created_at,
  'updatedAt', updated_at`;
}

function toIso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

/** A row as the API's `Task`. */
export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: Boolean(row.completed),
    priority: row.priority,
    dueAt: row.due_at === null ? null : toIso(row.due_at),
    completedAt: row.completed_at === null ? null : toIso(row.completed_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/**
 * The body of a list answer (`{ items, nextCursor }`): database-built JSON is used as it is,
 * columns are serialised here by `toItem`.
 */
export function pageJson<Row extends object, Item>(
  page: ListPage<Row, Item>,
  toItem: (row: Row) => Item,
): JsonText<{ items: Item[]; nextCursor: string | null }> {
  const items = page.rows.map((row) => ("json" in row ? row.json : JSON.stringify(toItem(row))));
  return `{"items":[${items.join(",")}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}

/** The body of a personal list answer. */
export function taskPageJson(page: TaskListPage): JsonText<TaskPage> {
  return pageJson(page, toTask);
}
