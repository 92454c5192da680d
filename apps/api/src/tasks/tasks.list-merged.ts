import type { ListTasksQuery, SortOrder, Task } from "@tandem/contracts";
import { compiledStatement, type TandemDb } from "@tandem/db";
import { type CompiledQuery, type RawBuilder, sql } from "kysely";
import type { CursorValue } from "./tasks.cursor.ts";
import { afterCursor, sortKeys } from "./tasks.keyset.ts";
import { type JsonText, sqliteTaskJson } from "./tasks.serializer.ts";

// A user's tasks by creation, both statuses, on SQLite. There is no (user_id, created_at) index,
// so that each personal write updates one per-user index page fewer (decision 031:
// docs/decisions/031-one-index-per-user-list.md). The (user_id, completed, created_at, id) index
// holds the active and the completed tasks as two ranges already in this order: the page's keys
// are merged from the two, read from the index alone, and only the page's own rows are then read
// and built as JSON.

/** `LIKE` pattern of a search: the text anywhere, its wildcards escaped. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search condition: the pattern in the title or the description, case-insensitively. */
export function searchClause(pattern: unknown): RawBuilder<boolean> {
  return sql<boolean>`(lower(title) like ${pattern} escape '\\' or lower(coalesce(description, '')) like ${pattern} escape '\\')`;
}

/** A row of the page: the task's JSON and its sort keys (a type alias, so it fits the list's rows). */
export type MergedRow = {
  json: JsonText<Task>;
  k0: string;
  k1: string;
};

const NAMES = ["userId", "active", "completed", "pattern", "c0", "c1"] as const;
/**
 * What makes one statement's text: the order, whether there is a cursor and a search, and the
 * page's row count, written into the SQL: with a bound `LIMIT ?` SQLite reads and sorts the two
 * ranges slower (76 against 47 µs for a page of 20, measured on the statement alone).
 */
type Shape = { order: SortOrder; cursor: boolean; search: boolean; rows: number };

function build(shape: Shape) {
  return compiledStatement(NAMES, (db, v) => {
    const keys = sortKeys("sqlite", "created", shape.order);
    const keysOf = (status: "active" | "completed") => {
      let q = db
        .selectFrom("task")
        .where("user_id", "=", v.userId)
        .where("completed", "=", v[status])
        .select([sql<number>`rowid`.as("r"), sql<string>`created_at`.as("k0"), sql<string>`id`.as("k1")]);
      if (shape.search) q = q.where(searchClause(v.pattern));
      if (shape.cursor) q = q.where(afterCursor(keys, [v.c0, v.c1]));
      for (const key of keys) q = q.orderBy(key.expr, key.dir);
      return q.limit(sql.lit(shape.rows));
    };
    const pageKeys = db
      .selectFrom(keysOf("active").as("active"))
      .selectAll()
      .unionAll(db.selectFrom(keysOf("completed").as("completed")).selectAll())
      .orderBy(sql.ref("k0"), shape.order)
      .orderBy(sql.ref("k1"), shape.order)
      .limit(sql.lit(shape.rows));
    return db
      .selectFrom(pageKeys.as("p"))
      .innerJoin("task", (join) => join.on(sql`task.rowid`, "=", sql.ref("p.r")))
      .select([sqliteTaskJson.as("json"), "p.k0", "p.k1"])
      .orderBy("p.k0", shape.order)
      .orderBy("p.k1", shape.order)
      .$castTo<MergedRow>();
  });
}

// One statement per shape (eight per page size; sizes are bounded by the query's schema), each
// built and compiled once per database handle: it costs several times a plain list's to build.
const statements = new Map<string, ReturnType<typeof build>>();

/** The page (one row more than asked, as the plain list) of `userId`'s tasks by creation. */
export function mergedByCreation(
  database: Pick<TandemDb, "db" | "dialect">,
  userId: string,
  query: ListTasksQuery,
  cursor: CursorValue[] | undefined,
): CompiledQuery<MergedRow> {
  // Written into the SQL: the query's schema makes it a whole number; anything else is refused.
  if (!Number.isSafeInteger(query.limit) || query.limit < 1)
    throw new RangeError("limit must be a whole number");
  const shape: Shape = {
    order: query.order,
    cursor: cursor !== undefined,
    search: query.q !== undefined,
    rows: query.limit + 1,
  };
  const key = `${shape.order} ${shape.cursor} ${shape.search} ${shape.rows}`;
  let statement = statements.get(key);
  if (statement === undefined) {
    statement = build(shape);
    statements.set(key, statement);
  }
  return statement(database, {
    userId,
    active: 0,
    completed: 1,
    pattern: query.q === undefined ? null : likePattern(query.q),
    c0: cursor?.[0] ?? null,
    c1: cursor?.[1] ?? null,
  });
}
