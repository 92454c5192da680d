import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase, describePostgres, type TestDatabase } from "@tandem/testing";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { isDatabaseUnavailable } from "./errors.ts";

// Issue #17: a PostgreSQL restart ended connections that were checked out of the pool, and `pg`'s
// 'error' event on such a client, which nothing listened to, crashed the API. Ending the
// connections from the server side is what a restart does to them (57P01, then the socket closes).
describePostgres("connections ended by the server", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("postgres");
  });
  afterEach(() => database.cleanup());

  it.each([false, true])(
    "reject the queries in flight, crash nothing, and the next query reconnects (prepared: %s)",
    async (preparedStatements) => {
      const name = `tandem-loss-${randomBytes(4).toString("hex")}`;
      const url = new URL(database.url);
      url.searchParams.set("application_name", name);
      const victim = createDb(url.toString(), { preparedStatements });
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const failures: unknown[] = [];
        let stop = false;
        const workers = Array.from({ length: 6 }, async () => {
          for (let i = 0; i < 5_000 && !stop; i++) {
            await sql`select pg_sleep(0.001)`
              .execute(victim.db)
              .catch((error: unknown) => failures.push(error));
          }
        });
        for (let round = 0; round < 5; round++) {
          await sleep(50);
          await admin.query(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1",
            [name],
          );
        }
        stop = true;
        await Promise.all(workers);
        expect(failures.length).toBeGreaterThan(0);
        expect(failures.filter((error) => !isDatabaseUnavailable(error))).toEqual([]);
        // Once the ends have arrived (a query sent before its connection's end is read fails too).
        await sleep(200);
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(victim.db);
        expect(rows).toEqual([{ one: 1 }]);
      } finally {
        await admin.end();
        await victim.destroy();
      }
    },
  );
});
