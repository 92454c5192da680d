import type { CreateTask, ListTasksQuery, ReplaceTask, Task, TaskStats, UpdateTask } from "@tandem/contracts";
import { compiledOnce, type Database, type TandemDb, type TaskTable, uuidv7 } from "@tandem/db";
import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import { type CursorValue, decodeCursor, encodeCursor } from "./tasks.cursor.ts";
import { afterCursor, type SortKey, sortKeys } from "./tasks.keyset.ts";
import { newTaskFields, replacementOf, taskChanges, toggleChanges } from "./tasks.changes.ts";
import { likePattern, mergedByCreation, searchClause } from "./tasks.list-merged.ts";
import {
  type JsonText,
  type ListPage,
  type ListRowOf,
  sqliteTaskJson,
  TASK_COLUMNS,
  type TaskListPage,
  type TaskRow,
} from "./tasks.serializer.ts";

// Queries speak in rows and domain values: a missing task is `null` (or `false`), a bad cursor an
// `InvalidCursorError`; the routes and the serializer turn them into HTTP.

type Db = Pick<TandemDb, "db" | "dialect">;

/**
 * Whose tasks a query reads or writes: a user's (`user_id`) or a team's (`team_id`), never both
 * (decision 016). Every statement filters on exactly this one column.
 */
export interface TaskOwner {
  column: "user_id" | "team_id";
  id: string;
}

const personal = (userId: string): TaskOwner => ({ column: "user_id", id: userId });

/** What a list row holds: these columns (Postgres), or the task as this JSON text (SQLite). */
export interface ListShape<Item> {
  columns: readonly (keyof TaskTable)[];
  sqliteJson: RawBuilder<JsonText<Item>>;
}

const PERSONAL_LIST: ListShape<Task> = { columns: TASK_COLUMNS, sqliteJson: sqliteTaskJson };

function filtered<O>(
  query: SelectQueryBuilder<Database, "task", O>,
  owner: TaskOwner,
  filter: { status?: ListTasksQuery["status"]; q?: string | undefined },
): SelectQueryBuilder<Database, "task", O> {
  let q = query.where(owner.column, "=", owner.id);
  if (filter.status === "active") q = q.where("completed", "=", 0);
  if (filter.status === "completed") q = q.where("completed", "=", 1);
  if (filter.q !== undefined) q = q.where(searchClause(likePattern(filter.q)));
  return q;
}

/** Where a list row holds its sort key values: a task column, or `k<i>`. */
type ListRow = Partial<Record<"id" | "created_at" | `k${number}`, CursorValue | Date>>;

/** Where a list row holds the value of sort key `i`. */
function keyName(key: SortKey, i: number, columns: "given" | "absent"): keyof ListRow & string {
  return columns === "given" && key.column !== undefined ? key.column : `k${i}`;
}

/**
 * The statement behind `listTasks` (one row more than the page, to know whether another follows),
 * and the fields of a row that hold its sort key values (for the next cursor). Exported so the
 * benchmark can show the plan of exactly what the API runs. Each row holds the task as its
 * columns (Postgres) or as its JSON text, `json` (SQLite).
 */
export function listTasksQuery(database: Db, userId: string, query: ListTasksQuery) {
  return ownedListQuery(database, personal(userId), query, PERSONAL_LIST);
}

/** `listTasksQuery` for any owner, reading each row in the given shape. */
export function ownedListQuery<Item>(
  { db, dialect }: Db,
  owner: TaskOwner,
  query: ListTasksQuery,
  shape: ListShape<Item>,
) {
  const keys = sortKeys(dialect, query.sort, query.order);
  // Every selected value costs a little per row: a key that is a plain task column is read from
  // the row's columns where it has them (Postgres), and selected as `k<i>` where it has JSON text.
  const columns = dialect === "sqlite" ? "absent" : "given";
  const keyNames = keys.map((k, i) => keyName(k, i, columns));
  const cursor =
    query.cursor === undefined
      ? undefined
      : decodeCursor(
          query.cursor,
          query.sort,
          query.order,
          keys.map((k) => k.kind),
        );
  const personalTasks = owner.column === "user_id" && shape.sqliteJson === PERSONAL_LIST.sqliteJson;
  if (dialect === "sqlite" && personalTasks && query.sort === "created" && query.status === "all") {
    // No index of this order on SQLite: two ranges of another, merged (tasks.list-merged.ts).
    const compiled = mergedByCreation({ db, dialect }, owner.id, query, cursor);
    const statement = {
      compile: () => compiled,
      execute: async () => (await db.executeQuery(compiled)).rows as ListRow[],
    };
    return { statement, keyNames };
  }
  const keyColumns = keys.flatMap((k, i) => {
    const name = keyNames[i] ?? `k${i}`;
    return name === k.column ? [] : [sql<CursorValue | Date>`${k.expr}`.as(name)];
  });
  const base = filtered(db.selectFrom("task"), owner, query);
  let q =
    dialect === "sqlite"
      ? base.select([shape.sqliteJson.as("json"), ...keyColumns]).$castTo<ListRow>()
      : base.select([...shape.columns, ...keyColumns]).$castTo<ListRow>();
  if (cursor !== undefined) q = q.where(afterCursor(keys, cursor));
  for (const key of keys) q = q.orderBy(key.expr, key.dir);
  return { statement: q.limit(query.limit + 1), keyNames };
}

/**
 * One page of the caller's tasks in a stable order (rows for `taskPageJson`); pass `nextCursor`
 * back for the next.
 */
export function listTasks(database: Db, userId: string, query: ListTasksQuery): Promise<TaskListPage> {
  return listOwnedTasks(database, personal(userId), query, PERSONAL_LIST);
}

/** `listTasks` for any owner; each row is `Row`'s columns or the JSON of `shape`. */
export async function listOwnedTasks<Row, Item>(
  database: Db,
  owner: TaskOwner,
  query: ListTasksQuery,
  shape: ListShape<Item>,
): Promise<ListPage<Row, Item>> {
  const { statement, keyNames } = ownedListQuery(database, owner, query, shape);
  const rows = await statement.execute();
  const page = rows.length > query.limit ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor(
          query.sort,
          query.order,
          keyNames.map((name) => {
            const v = last[name];
            return v instanceof Date ? v.toISOString() : (v as CursorValue);
          }),
        )
      : null;
  // Each row is a task's columns (Postgres) or its JSON (SQLite), plus its sort keys.
  return { rows: page as ListRowOf<Row, Item>[], nextCursor };
}

export function taskStats(database: Db, userId: string, q?: string): Promise<TaskStats> {
  return ownedTaskStats(database, personal(userId), q);
}

/** `taskStats` for any owner. */
export async function ownedTaskStats({ db }: Db, owner: TaskOwner, q?: string): Promise<TaskStats> {
  const row = await filtered(db.selectFrom("task"), owner, { q })
    .select([
      sql<number | string>`count(*)`.as("all"),
      sql<number | string | null>`sum(case when completed then 1 else 0 end)`.as("completed"),
    ])
    .executeTakeFirstOrThrow();
  const all = Number(row.all);
  const completed = Number(row.completed ?? 0);
  return { all, active: all - completed, completed };
}

/** The caller's task, or null — another user's task is as absent as a missing one. */
export async function getTask({ db }: Db, userId: string, id: string): Promise<TaskRow | null> {
  const row = await db
    .selectFrom("task")
    .select(TASK_COLUMNS)
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row ?? null;
}

// The insert and the toggle are the API's hottest writes, of a fixed shape: compiled once. The
// insert names every column it writes; a field newTaskFields gains and this list lacks would be
// dropped silently, so the type below refuses to compile until it is listed here.
const INSERTED = [...TASK_COLUMNS, "user_id"] as const;
type Unlisted = Exclude<keyof ReturnType<typeof newTaskFields> | "id" | "user_id", (typeof INSERTED)[number]>;
true satisfies [Unlisted] extends [never] ? true : false;
// No RETURNING: the insert writes every column of the answer, so the row is the one it was given
// (an instant reads back as the same instant); reading it back cost SQLite a result row and the
// driver an object per create (docs/decisions/034-cheaper-create.md).
const insertTask = compiledOnce(INSERTED, (db, v) => db.insertInto("task").values(v));

export async function createTask(database: Db, userId: string, input: CreateTask): Promise<TaskRow> {
  const row: TaskRow = { id: uuidv7(), ...newTaskFields(input, new Date().toISOString()) };
  const { numAffectedRows } = await insertTask(database, { ...row, user_id: userId });
  if (numAffectedRows !== 1n) throw new Error("The task insert wrote no row");
  return row;
}

/** Applies the given fields; null when the caller has no such task. */
export async function updateTask(
  { db }: Db,
  userId: string,
  id: string,
  patch: UpdateTask,
): Promise<TaskRow | null> {
  const now = new Date().toISOString();
  const row = await db
    .updateTable("task")
    .set(taskChanges(patch, now))
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .returning(TASK_COLUMNS)
    .executeTakeFirst();
  return row ?? null;
}

/** PUT: every field is set; omitted optional fields return to their defaults. */
export function replaceTask(
  database: Db,
  userId: string,
  id: string,
  input: ReplaceTask,
): Promise<TaskRow | null> {
  return updateTask(database, userId, id, replacementOf(input));
}

const toggle = compiledOnce(["now", "id", "userId"], (db, v, dialect) =>
  db
    .updateTable("task")
    .set(toggleChanges(dialect, v.now))
    .where("id", "=", v.id)
    .where("user_id", "=", v.userId)
    .returning(TASK_COLUMNS),
);

/** Flips completion in one statement, so two concurrent toggles cannot both read the old value. */
export async function toggleTask(database: Db, userId: string, id: string): Promise<TaskRow | null> {
  const { rows } = await toggle(database, { now: new Date().toISOString(), id, userId });
  return rows[0] ?? null;
}

/** True when the caller's task existed and is now gone. */
export async function deleteTask({ db }: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom("task")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
