import type {
  CreateTeamTask,
  ListTasksQuery,
  ReplaceTeamTask,
  TaskStats,
  TeamTask,
  UpdateTeamTask,
} from "@tandem/contracts";
import { isForeignKeyViolation, type TandemDb, type TaskTable, uuidv7 } from "@tandem/db";
import { sql } from "kysely";
import { type ListShape, listOwnedTasks, ownedTaskStats, type TaskOwner } from "../tasks/tasks.queries.ts";
import { newTaskFields, replacementOf, taskChanges, toggleChanges } from "../tasks/tasks.changes.ts";
import { readMemberRole } from "./team-access.ts";
import {
  sqliteTeamTaskJson,
  TEAM_TASK_COLUMNS,
  type TeamTaskListPage,
  type TeamTaskRow,
} from "./team-tasks.serializer.ts";

// The personal queries (tasks.queries.ts) over a team's tasks: every statement filters on
// `team_id` (and the task's id), never on a user, so a team task is out of reach of the personal
// routes and of other teams' paths, and the reverse. A missing task is `null`, as there.

type Db = Pick<TandemDb, "db" | "dialect">;

const teamOwner = (teamId: string): TaskOwner => ({ column: "team_id", id: teamId });
const TEAM_LIST: ListShape<TeamTask> = { columns: TEAM_TASK_COLUMNS, sqliteJson: sqliteTeamTaskJson };

/**
 * The user's member row in the team, for an `EXISTS` in the write it guards: the membership is
 * read by the write itself, not by an earlier query a removal could slip past.
 */
function memberRow({ db }: Db, teamId: string, userId: string) {
  return db
    .selectFrom("member")
    .select(sql.lit(1).as("one"))
    .where("organizationId", "=", teamId)
    .where("userId", "=", userId);
}

/**
 * A write refused by a foreign key (its team, author or assignee was deleted while it ran, after
 * its guard had read the member rows) wrote nothing: null, as a guarded write that matched no row,
 * so the caller is answered by what is true now (no such team, not a member), not as a fault.
 * Rows are not locked to prevent this: the deletions would then wait on, or deadlock with, a write.
 */
async function unlessGone<T>(write: Promise<T | undefined>): Promise<T | null> {
  try {
    return (await write) ?? null;
  } catch (error) {
    if (isForeignKeyViolation(error)) return null;
    throw error;
  }
}

/** True when the user is a member of the team right now (read now, not through the cache). */
export async function isTeamMember(database: Pick<TandemDb, "db">, teamId: string, userId: string) {
  return (await readMemberRole(database, teamId, userId)) !== undefined;
}

export function listTeamTasks(
  database: Db,
  teamId: string,
  query: ListTasksQuery,
): Promise<TeamTaskListPage> {
  return listOwnedTasks(database, teamOwner(teamId), query, TEAM_LIST);
}

export function teamTaskStats(database: Db, teamId: string, q?: string): Promise<TaskStats> {
  return ownedTaskStats(database, teamOwner(teamId), q);
}

/** The team's task, or null: another team's task or a personal one is as absent as a missing one. */
export async function getTeamTask({ db }: Db, teamId: string, id: string): Promise<TeamTaskRow | null> {
  const row = await db
    .selectFrom("task")
    .select(TEAM_TASK_COLUMNS)
    .where("id", "=", id)
    .where("team_id", "=", teamId)
    .$castTo<TeamTaskRow>()
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Creates the task, authored by `userId`, in one statement that also requires, at write time, that
 * the author and the assignee (if any) are members of the team: null when either is not (or the
 * team is gone), instead of a task for a team or assignee that no longer is.
 */
export async function createTeamTask(
  database: Db,
  teamId: string,
  userId: string,
  input: CreateTeamTask,
): Promise<TeamTaskRow | null> {
  const now = new Date().toISOString();
  const assigneeId = input.assigneeId ?? null;
  const values = {
    id: uuidv7(),
    team_id: teamId,
    created_by: userId,
    assignee_id: assigneeId,
    ...newTaskFields(input, now),
  };
  const columns = Object.keys(values) as (keyof TaskTable)[];
  return unlessGone(
    database.db
      .insertInto("task")
      .columns(columns)
      .expression((eb) =>
        eb
          .selectFrom("member")
          .select(Object.entries(values).map(([column, value]) => sql`${value}`.as(column)))
          .where("member.organizationId", "=", teamId)
          .where("member.userId", "=", userId)
          .$if(assigneeId !== null, (q) =>
            q.where((where) => where.exists(memberRow(database, teamId, assigneeId ?? ""))),
          ),
      )
      .returning(TEAM_TASK_COLUMNS)
      .$castTo<TeamTaskRow>()
      .executeTakeFirst(),
  );
}

/**
 * Applies the given fields; null when the team has no such task, or when `assigneeId` names a
 * user who is not a member of the team at write time.
 */
export async function updateTeamTask(
  database: Db,
  teamId: string,
  id: string,
  patch: UpdateTeamTask,
): Promise<TeamTaskRow | null> {
  const { assigneeId, ...fields } = patch;
  const now = new Date().toISOString();
  return unlessGone(
    database.db
      .updateTable("task")
      .set({ ...taskChanges(fields, now), ...(assigneeId === undefined ? {} : { assignee_id: assigneeId }) })
      .where("id", "=", id)
      .where("team_id", "=", teamId)
      .$if(typeof assigneeId === "string", (q) =>
        q.where((eb) => eb.exists(memberRow(database, teamId, assigneeId ?? ""))),
      )
      .returning(TEAM_TASK_COLUMNS)
      .$castTo<TeamTaskRow>()
      .executeTakeFirst(),
  );
}

/** PUT: every field is set; omitted optional fields (the assignee too) return to their defaults. */
export function replaceTeamTask(
  database: Db,
  teamId: string,
  id: string,
  input: ReplaceTeamTask,
): Promise<TeamTaskRow | null> {
  return updateTeamTask(database, teamId, id, {
    ...replacementOf(input),
    assigneeId: input.assigneeId ?? null,
  });
}

/** Flips completion in one statement, as `toggleTask` does. */
export async function toggleTeamTask(
  { db, dialect }: Db,
  teamId: string,
  id: string,
): Promise<TeamTaskRow | null> {
  const now = new Date().toISOString();
  const row = await db
    .updateTable("task")
    .set(toggleChanges(dialect, now))
    .where("id", "=", id)
    .where("team_id", "=", teamId)
    .returning(TEAM_TASK_COLUMNS)
    .$castTo<TeamTaskRow>()
    .executeTakeFirst();
  return row ?? null;
}

/** True when the team's task existed and is now gone. */
export async function deleteTeamTask({ db }: Db, teamId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom("task")
    .where("id", "=", id)
    .where("team_id", "=", teamId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
