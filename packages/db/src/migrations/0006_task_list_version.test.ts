import { createTestDatabase, testDialects } from "@tandem/testing";
import { type Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../index.ts";

// The counter is the database's to keep: these tests write with plain SQL, as any other writer
// (the FastAPI backend, a hand-run statement) would, and read what the triggers left.
describe.each(testDialects())("task list version (%s)", (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function migrated(): Promise<Kysely<Database>> {
    const database = await createTestDatabase(dialect);
    cleanups.push(() => database.cleanup());
    return database.db;
  }

  async function addUser(db: Kysely<Database>, id: string): Promise<void> {
    const now = new Date().toISOString();
    await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
      VALUES (${id}, ${id}, ${`${id}@example.test`}, ${0}, ${now}, ${now})`.execute(db);
  }

  let counter = 0;
  async function addTask(db: Kysely<Database>, owner: { user?: string; team?: string }): Promise<string> {
    const now = new Date().toISOString();
    const id = `task-${(counter += 1)}`;
    await sql`INSERT INTO task (id, user_id, team_id, title, completed, priority, created_at, updated_at)
      VALUES (${id}, ${owner.user ?? null}, ${owner.team ?? null}, ${"t"}, ${0}, ${"medium"}, ${now}, ${now})`.execute(
      db,
    );
    return id;
  }

  const versions = async (db: Kysely<Database>) =>
    Object.fromEntries(
      (await db.selectFrom("task_list_version").select(["user_id", "version"]).execute()).map((r) => [
        r.user_id,
        Number(r.version),
      ]),
    );

  it("counts every insert, update and delete of a user's tasks, and only that user's", async () => {
    const db = await migrated();
    await addUser(db, "a");
    await addUser(db, "b");
    expect(await versions(db)).toEqual({});
    const first = await addTask(db, { user: "a" });
    expect(await versions(db)).toEqual({ a: 1 });
    await addTask(db, { user: "a" });
    await addTask(db, { user: "b" });
    expect(await versions(db)).toEqual({ a: 2, b: 1 });
    await sql`UPDATE task SET priority = 'high' WHERE id = ${first}`.execute(db);
    expect(await versions(db)).toEqual({ a: 3, b: 1 });
    // One statement, several rows: one bump per row.
    await sql`UPDATE task SET title = 'x' WHERE user_id = 'a'`.execute(db);
    expect(await versions(db)).toEqual({ a: 5, b: 1 });
    await sql`DELETE FROM task WHERE id = ${first}`.execute(db);
    expect(await versions(db)).toEqual({ a: 6, b: 1 });
  });

  it("counts a change that fails with its statement not at all", async () => {
    const db = await migrated();
    await addUser(db, "a");
    const id = await addTask(db, { user: "a" });
    await expect(sql`UPDATE task SET title = '' WHERE id = ${id}`.execute(db)).rejects.toThrow(
      /check constraint/i,
    );
    expect(await versions(db)).toEqual({ a: 1 });
  });

  it("leaves team tasks out, and goes with the account when the account is deleted", async () => {
    const db = await migrated();
    await addUser(db, "leaving");
    await addUser(db, "staying");
    await sql`INSERT INTO organization (id, name, slug, "createdAt")
      VALUES ('team', 'team', 'team', ${new Date().toISOString()})`.execute(db);
    await addTask(db, { team: "team" });
    expect(await versions(db)).toEqual({});
    await addTask(db, { user: "leaving" });
    await addTask(db, { user: "leaving" });
    await addTask(db, { user: "staying" });
    // The deletion cascades to the tasks, whose triggers must neither refuse it nor leave a row.
    await db.deleteFrom("user").where("id", "=", "leaving").execute();
    expect(await versions(db)).toEqual({ staying: 1 });
  });
});
