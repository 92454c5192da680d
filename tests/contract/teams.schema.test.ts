import { uuidv7 } from "@tandem/db";
import { createTestDatabase, type TestDatabase, testDialects } from "@tandem/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What both backends rely on (decision 016, 6): a task belongs to exactly one user or one team,
// `CHECK ((user_id IS NULL) <> (team_id IS NULL))`, on both databases — tried here with direct
// inserts and updates, past any API. Runs once per dialect (the migrations are the TypeScript ones
// whatever backend serves them).

describe.each(testDialects())("task owner CHECK (%s)", (dialect) => {
  let database: TestDatabase;
  const userId = `u-${uuidv7()}`;
  const teamId = `t${uuidv7().replaceAll("-", "")}`;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const now = new Date().toISOString();
    await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
      VALUES (${userId}, ${"Owner"}, ${`${userId}@example.test`}, ${dialect === "postgres" ? sql`false` : 0}, ${now}, ${now})`.execute(
      database.db,
    );
    await sql`INSERT INTO "organization" ("id", "name", "slug", "createdAt")
      VALUES (${teamId}, ${"Team"}, ${teamId}, ${now})`.execute(database.db);
  });
  afterAll(() => database.cleanup());

  function row(owner: { user_id: string | null; team_id: string | null }) {
    const now = new Date().toISOString();
    return {
      id: uuidv7(),
      ...owner,
      title: "t",
      completed: 0,
      priority: "medium" as const,
      created_at: now,
      updated_at: now,
    };
  }
  const insert = (owner: { user_id: string | null; team_id: string | null }) =>
    database.db.insertInto("task").values(row(owner)).execute();
  const count = async () =>
    Number(
      (
        await database.db
          .selectFrom("task")
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("accepts a task of one user or of one team", async () => {
    await insert({ user_id: userId, team_id: null });
    await insert({ user_id: null, team_id: teamId });
    expect(await count()).toBe(2);
  });

  it("refuses a task of both a user and a team, and a task of neither", async () => {
    const before = await count();
    await expect(insert({ user_id: userId, team_id: teamId })).rejects.toThrow(/task_owner_check|CHECK/i);
    await expect(insert({ user_id: null, team_id: null })).rejects.toThrow(/task_owner_check|CHECK/i);
    expect(await count()).toBe(before);
  });

  it("refuses an update that gives a personal task a team, or takes a team task's team away", async () => {
    const personal = row({ user_id: userId, team_id: null });
    const shared = row({ user_id: null, team_id: teamId });
    await database.db.insertInto("task").values([personal, shared]).execute();
    const update = (id: string, set: { user_id?: string | null; team_id?: string | null }) =>
      database.db.updateTable("task").set(set).where("id", "=", id).execute();
    await expect(update(personal.id, { team_id: teamId })).rejects.toThrow(/task_owner_check|CHECK/i);
    await expect(update(personal.id, { user_id: null })).rejects.toThrow(/task_owner_check|CHECK/i);
    await expect(update(shared.id, { team_id: null })).rejects.toThrow(/task_owner_check|CHECK/i);
    await expect(update(shared.id, { user_id: userId })).rejects.toThrow(/task_owner_check|CHECK/i);
    // Moving a task wholesale from one owner to the other is allowed by the CHECK (no API does it).
    await update(shared.id, { user_id: userId, team_id: null });
    const moved = await database.db
      .selectFrom("task")
      .select(["user_id", "team_id"])
      .where("id", "=", shared.id)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ user_id: userId, team_id: null });
  });

  it("refuses a team id that names no team (foreign key)", async () => {
    await expect(insert({ user_id: null, team_id: `missing${teamId}` })).rejects.toThrow(/foreign key/i);
  });
});
