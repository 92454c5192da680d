import type pg from "pg";
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

/** Most distinct statements one process names; any further ones are sent unnamed, as before. */
const NAMED_STATEMENTS_MAX = 500;

/**
 * A pool whose clients send every statement as a named prepared statement (the name follows from
 * the SQL text), so each connection parses and plans a statement once instead of on every
 * query. Kysely sends the same few texts with different parameters, so Postgres plans each once
 * (measured in docs/decisions/007).
 *
 * A transaction-mode pooler in front of Postgres must support protocol-level prepared statements
 * (PgBouncer 1.21+ with `max_prepared_statements`, Neon's pooler); otherwise turn this off.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  function nameOf(text: string): string | undefined {
    let name = names.get(text);
    if (name === undefined && names.size < NAMED_STATEMENTS_MAX) {
      name = `tandem_${names.size}`;
      names.set(text, name);
    }
    return name;
  }
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query(
        sqlOrCursor: string | PostgresCursor<unknown>,
        parameters: readonly unknown[] = [],
      ): Promise<PostgresQueryResult<unknown>> | PostgresCursor<unknown> {
        // A cursor (streamed query) is passed through as it is.
        if (typeof sqlOrCursor !== "string") {
          return client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<unknown>;
        }
        const name = nameOf(sqlOrCursor);
        const config = { text: sqlOrCursor, values: [...parameters] };
        const result = client.query(name === undefined ? config : { ...config, name });
        return result as Promise<PostgresQueryResult<unknown>>;
      }
      return { query, release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
