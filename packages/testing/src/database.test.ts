import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { createDb } from "@tandem/db";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDialects } from "./index.ts";
import { testDatabaseAdminUrl, withAdmin } from "./templates.ts";

async function addUserWithTask(database: TestDatabase, id: string): Promise<void> {
  const now = new Date().toISOString();
  // Better Auth owns `user`; raw SQL fills the NOT NULL columns Tandem's schema type leaves out.
  // 0 is a valid boolean literal on Postgres and the only one on SQLite.
  await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
    VALUES (${id}, ${"Probe"}, ${`${id}@example.test`}, ${0}, ${now}, ${now})`.execute(database.db);
  await database.db
    .insertInto("task")
    .values({
      id: `task-${id}`,
      user_id: id,
      title: "probe",
      completed: 0,
      priority: "low",
      created_at: now,
      updated_at: now,
    })
    .execute();
}

async function postgresDatabaseExists(name: string): Promise<boolean> {
  const adminUrl = testDatabaseAdminUrl();
  if (adminUrl === undefined) throw new Error("TEST_DATABASE_URL is not set");
  const { rows } = await withAdmin(adminUrl, (db) =>
    sql<{ datname: string }>`SELECT datname FROM pg_database WHERE datname = ${name}`.execute(db),
  );
  return rows.length === 1;
}

describe.each(testDialects())("createTestDatabase (%s)", (dialect) => {
  const open: TestDatabase[] = [];
  async function fresh(): Promise<TestDatabase> {
    const database = await createTestDatabase(dialect);
    open.push(database);
    return database;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.cleanup()));
  });

  it("is migrated and empty", async () => {
    const database = await fresh();
    expect(database.dialect).toBe(dialect);
    for (const table of ["user", "session", "account", "verification", "jwks", "task"]) {
      const { rows } = await sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db);
      expect(Number(rows[0]?.n), table).toBe(0);
    }
    const migrations = await database.db.selectFrom("kysely_migration").select("name").execute();
    expect(migrations.map((m) => m.name)).toContain("0001_create_task");
  });

  it("is isolated from every other test database", async () => {
    const first = await fresh();
    const second = await fresh();
    expect(first.url).not.toBe(second.url);
    await addUserWithTask(first, "only-in-first");
    expect(await first.db.selectFrom("task").select("id").execute()).toHaveLength(1);
    expect(await second.db.selectFrom("task").select("id").execute()).toHaveLength(0);
    expect(await second.db.selectFrom("user").select("id").execute()).toHaveLength(0);
  });

  it("has a url that opens the same database from another handle", async () => {
    const database = await fresh();
    await addUserWithTask(database, "shared");
    const other = createDb(database.url);
    try {
      const tasks = await other.db.selectFrom("task").select(["id", "user_id"]).execute();
      expect(tasks).toEqual([{ id: "task-shared", user_id: "shared" }]);
    } finally {
      await other.destroy();
    }
  });

  it("enforces foreign keys", async () => {
    const database = await fresh();
    const now = new Date().toISOString();
    const orphan = database.db
      .insertInto("task")
      .values({
        id: "t",
        user_id: "nobody",
        title: "x",
        completed: 0,
        priority: "low",
        created_at: now,
        updated_at: now,
      })
      .execute();
    await expect(orphan).rejects.toThrow(/foreign key/i);
  });

  it("cleanup deletes the database and can be called twice", async () => {
    const database = await createTestDatabase(dialect);
    await addUserWithTask(database, "doomed");
    if (dialect === "sqlite") {
      expect(existsSync(database.location)).toBe(true);
      await database.cleanup();
      expect(existsSync(database.location)).toBe(false);
      expect(existsSync(`${database.location}-wal`)).toBe(false);
      expect(existsSync(dirname(database.location))).toBe(false);
    } else {
      const name = new URL(database.url).pathname.slice(1);
      expect(await postgresDatabaseExists(name)).toBe(true);
      // A connection the test forgot to close must not block the drop.
      const straggler = createDb(database.url);
      await sql`SELECT 1`.execute(straggler.db);
      await database.cleanup();
      expect(await postgresDatabaseExists(name)).toBe(false);
      await straggler.destroy();
    }
    await database.cleanup();
  });
});
