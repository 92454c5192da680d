import { createTestDatabase, describePostgres } from "@tandem/testing";
import { sql } from "kysely";
import { expect, it } from "vitest";
import { createDb } from "./create-db.ts";

describePostgres("preparedStatements", () => {
  const dialect = "postgres";
  async function withDatabases(
    test: (prepared: ReturnType<typeof createDb>, plain: ReturnType<typeof createDb>) => Promise<void>,
  ) {
    const database = await createTestDatabase(dialect);
    // One connection each, so every query below runs in the session it inspects.
    const prepared = createDb(database.url, { preparedStatements: true, poolSize: 1 });
    const plain = createDb(database.url, { poolSize: 1 });
    try {
      await test(prepared, plain);
    } finally {
      await prepared.destroy();
      await plain.destroy();
      await database.cleanup();
    }
  }
  const preparedInSession = sql<{ statement: string }>`select statement from pg_prepared_statements`;

  it("prepares each statement once per connection and answers as an unprepared query does", async () => {
    await withDatabases(async (prepared, plain) => {
      const query = (n: number) => sql<{ n: number; s: string }>`select ${n}::int as n, ${`#${n}`} as s`;
      for (const n of [1, 2, 3]) {
        expect((await query(n).execute(prepared.db)).rows).toEqual((await query(n).execute(plain.db)).rows);
      }
      const statements = (await preparedInSession.execute(prepared.db)).rows.map((r) => r.statement);
      // One entry for the three runs of the same text (and one for the inspection itself).
      expect(statements.filter((s) => s.includes("as n,"))).toHaveLength(1);
      expect((await preparedInSession.execute(plain.db)).rows).toEqual([]);
    });
  });

  it("keeps working after a statement fails, and inside transactions", async () => {
    await withDatabases(async (prepared) => {
      const bad = sql`select 1 / ${0}::int`;
      await expect(bad.execute(prepared.db)).rejects.toThrow(/division by zero/);
      await expect(bad.execute(prepared.db)).rejects.toThrow(/division by zero/);
      await expect(sql`select nonsense from nowhere`.execute(prepared.db)).rejects.toThrow(/nowhere/);
      await sql`create table t (id int primary key)`.execute(prepared.db);
      await prepared.db.transaction().execute(async (trx) => {
        await sql`insert into t values (${1})`.execute(trx);
        await sql`insert into t values (${2})`.execute(trx);
      });
      await expect(
        prepared.db.transaction().execute(async (trx) => {
          await sql`insert into t values (${3})`.execute(trx);
          await sql`insert into t values (${1})`.execute(trx); // duplicate: the whole transaction rolls back
        }),
      ).rejects.toThrow(/duplicate key/);
      const { rows } = await sql<{ id: number }>`select id from t order by id`.execute(prepared.db);
      expect(rows.map((r) => r.id)).toEqual([1, 2]);
    });
  });
});
