import type { SortOrder, TaskSort } from "@tandem/contracts";
import type { Dialect } from "@tandem/db";
import { type RawBuilder, sql } from "kysely";
import type { CursorKind, CursorValue } from "./tasks.cursor.ts";

export interface SortKey {
  expr: RawBuilder<unknown>;
  dir: SortOrder;
  /** What the key holds, so a forged cursor is refused before it reaches SQL. */
  kind: CursorKind;
  /** The key is this column as stored, so its value is read from the row, not selected again. */
  column?: "created_at" | "id";
}

const EPOCH = "'1970-01-01T00:00:00.000Z'";

/**
 * The ordered key of each sort. Every sort ends in `id`, so the order is total and keyset pages
 * never skip or repeat a row. Tasks without a due date come last in either direction.
 */
export function sortKeys(dialect: Dialect, sort: TaskSort, order: SortOrder): SortKey[] {
  const id: SortKey = { expr: sql`id`, dir: order, kind: "text", column: "id" };
  switch (sort) {
    case "created":
      return [{ expr: sql`created_at`, dir: order, kind: "instant", column: "created_at" }, id];
    case "due": {
      const epoch = sql.raw(dialect === "postgres" ? `${EPOCH}::timestamptz` : EPOCH);
      return [
        { expr: sql`(case when due_at is null then 1 else 0 end)`, dir: "asc", kind: "rank" },
        { expr: sql`coalesce(due_at, ${epoch})`, dir: order, kind: "instant" },
        id,
      ];
    }
    case "priority":
      return [
        {
          expr: sql`(case priority when 'low' then 0 when 'medium' then 1 else 2 end)`,
          dir: order,
          kind: "rank",
        },
        { expr: sql`created_at`, dir: "desc", kind: "instant", column: "created_at" },
        { expr: sql`id`, dir: "desc", kind: "text", column: "id" },
      ];
    case "title":
      // Byte (code point) order on both engines, whatever the Postgres database's collation.
      return [
        {
          expr: dialect === "postgres" ? sql`lower(title) collate "C"` : sql`lower(title)`,
          dir: order,
          kind: "text",
        },
        id,
      ];
  }
}

/**
 * `(k1, k2, …) > (v1, v2, …)` in the directions of the keys. When every key runs the same way it
 * is written as a row-value comparison, which both engines turn into an index range: a deep page
 * of the default list (newest first) then costs what the first page costs, instead of scanning
 * every newer task (see docs/decisions/007-list-path-database-tuning.md). Mixed directions need the OR of prefixes, led by a bound on the
 * first key so an index on it can still narrow the scan.
 */
export function afterCursor(keys: SortKey[], values: CursorValue[]): RawBuilder<boolean> {
  const first = keys[0];
  if (first !== undefined && keys.every((k) => k.dir === first.dir)) {
    const columns = sql.join(keys.map((k) => k.expr));
    const bound = sql.join(values.map((v) => sql`${v}`));
    return first.dir === "asc"
      ? sql<boolean>`((${columns}) > (${bound}))`
      : sql<boolean>`((${columns}) < (${bound}))`;
  }
  const branches = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => sql`${k.expr} = ${values[j]}`);
    const beyond = key.dir === "asc" ? sql`${key.expr} > ${values[i]}` : sql`${key.expr} < ${values[i]}`;
    return sql.join([...equal, beyond], sql` and `);
  });
  const lead =
    first === undefined
      ? sql`1 = 1`
      : first.dir === "asc"
        ? sql`${first.expr} >= ${values[0]}`
        : sql`${first.expr} <= ${values[0]}`;
  return sql<boolean>`(${lead} and (${sql.join(
    branches.map((b) => sql`(${b})`),
    sql` or `,
  )}))`;
}
