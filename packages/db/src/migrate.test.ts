import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { authSchemaOptions, migrateDatabase } from "@tandem/auth";
import { getMigrations } from "better-auth/db/migration";
import { createTestDatabase, type TestDatabase, testDialects } from "@tandem/testing";
import { type Kysely, Migrator, sql } from "kysely";
import * as m0001 from "./migrations/0001_create_task.ts";
import * as m0002 from "./migrations/0002_security_events.ts";
import * as m0003 from "./migrations/0003_account_email_events.ts";
import { afterEach, describe, expect, inject, it } from "vitest";
import {
  createDb,
  type Database,
  type Dialect,
  migrateTandem,
  migrateTandemTo,
  MigrationError,
  pendingMigrations,
  SECURITY_EVENT_TYPES,
  type TandemDb,
} from "./index.ts";

/** An empty, unmigrated database of the dialect, removed by `drop` (or the run's teardown). */
async function emptyDatabase(dialect: Dialect): Promise<{ database: TandemDb; drop: () => Promise<void> }> {
  const templates = inject("tandemTemplates");
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(templates.sqliteDir, "empty-"));
    const database = createDb(`file:${join(dir, "empty.db")}`);
    return {
      database,
      drop: async () => (await database.destroy(), rmSync(dir, { recursive: true, force: true })),
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `${templates.runPrefix}empty_${randomBytes(4).toString("hex")}`;
  const admin = createDb(adminUrl, { poolSize: 1 });
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDb(url.toString(), { poolSize: 2 });
  const drop = async () => {
    await database.destroy();
    await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
    await admin.destroy();
  };
  return { database, drop };
}

async function addUser(db: Kysely<Database>, id: string): Promise<void> {
  const now = new Date().toISOString();
  // Better Auth owns `user`; 0 is a boolean on Postgres and the only one on SQLite.
  await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
    VALUES (${id}, ${id}, ${`${id}@example.test`}, ${0}, ${now}, ${now})`.execute(db);
}

let taskCounter = 0;
function addTask(
  db: Kysely<Database>,
  userId: string,
  fields: { title?: string; priority?: string; description?: string },
) {
  const now = new Date().toISOString();
  taskCounter += 1;
  // Raw SQL, so values the TypeScript types forbid still reach the database's own checks.
  return sql`INSERT INTO task (id, user_id, title, description, completed, priority, created_at, updated_at)
    VALUES (${`task-${taskCounter}`}, ${userId}, ${fields.title ?? "t"}, ${fields.description ?? null}, ${0},
      ${fields.priority ?? "medium"}, ${now}, ${now})`.execute(db);
}

const count = async (db: Kysely<Database>, userId: string) =>
  (await db.selectFrom("task").select("id").where("user_id", "=", userId).execute()).length;

describe.each(testDialects())("migrations (%s)", (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function migrated(): Promise<TestDatabase> {
    const database = await createTestDatabase(dialect);
    cleanups.push(() => database.cleanup());
    return database;
  }

  it("migrates an empty database, and a second run changes nothing", async () => {
    const { database, drop } = await emptyDatabase(dialect);
    cleanups.push(drop);
    expect(await pendingMigrations(database.db)).toEqual([
      "0001_create_task",
      "0002_security_events",
      "0003_account_email_events",
      "0004_teams",
      "0005_sign_in_methods",
      "0006_task_list_version",
      "0007_one_personal_list_index",
    ]);
    await migrateDatabase(database);
    expect(await pendingMigrations(database.db)).toEqual([]);
    await addUser(database.db, "u1");
    await addTask(database.db, "u1", { title: "survives" });
    await migrateDatabase(database);
    expect(await migrateTandem(database.db)).toMatchObject({ results: [] });
    expect(await pendingMigrations(database.db)).toEqual([]);
    expect(await database.db.selectFrom("task").select("title").execute()).toEqual([{ title: "survives" }]);
    // 0007: SQLite lists every task by merging the completed index's two ranges; PostgreSQL keeps both.
    const newestFirst =
      dialect === "postgres"
        ? sql`select indexname from pg_indexes where indexname = 'task_user_created_idx'`
        : sql`select name from sqlite_master where type = 'index' and name = 'task_user_created_idx'`;
    expect((await newestFirst.execute(database.db)).rows).toHaveLength(dialect === "postgres" ? 1 : 0);
    const applied = await database.db.selectFrom("kysely_migration").select("name").execute();
    expect(applied).toEqual([
      { name: "0001_create_task" },
      { name: "0002_security_events" },
      { name: "0003_account_email_events" },
      { name: "0004_teams" },
      { name: "0005_sign_in_methods" },
      { name: "0006_task_list_version" },
      { name: "0007_one_personal_list_index" },
    ]);
  });

  it("moves down to an older schema and back up, keeping the tasks", async () => {
    const { database, drop } = await emptyDatabase(dialect);
    cleanups.push(drop);
    await migrateDatabase(database);
    await addUser(database.db, "u1");
    await addTask(database.db, "u1", { title: "kept" });
    const tables = async () =>
      (await database.db.introspection.getTables()).map((t) => t.name).filter((n) => n.startsWith("task"));
    const newestFirstIndexes = async () =>
      (
        await (
          dialect === "postgres"
            ? sql`select indexname from pg_indexes where indexname = 'task_user_created_idx'`
            : sql`select name from sqlite_master where type = 'index' and name = 'task_user_created_idx'`
        ).execute(database.db)
      ).rows.length;
    expect(await tables()).toContain("task_list_version");

    await migrateTandemTo(database.db, "0005_sign_in_methods");
    expect(await pendingMigrations(database.db)).toEqual([
      "0006_task_list_version",
      "0007_one_personal_list_index",
    ]);
    expect(await tables()).not.toContain("task_list_version");
    expect(await newestFirstIndexes()).toBe(1);
    // Without 0006's triggers a write no longer needs the version table.
    await addTask(database.db, "u1", { title: "written at 0005" });

    await migrateTandem(database.db);
    expect(await pendingMigrations(database.db)).toEqual([]);
    expect(await newestFirstIndexes()).toBe(dialect === "postgres" ? 1 : 0);
    const titles = await database.db.selectFrom("task").select("title").orderBy("title").execute();
    expect(titles).toEqual([{ title: "kept" }, { title: "written at 0005" }]);
    await expect(migrateTandemTo(database.db, "0099_unknown")).rejects.toThrow(MigrationError);
  });

  it("carries tasks and the history through 0004's table rebuild", async () => {
    const { database, drop } = await emptyDatabase(dialect);
    cleanups.push(drop);
    await (await getMigrations(authSchemaOptions(database))).runMigrations();
    const before = {
      "0001_create_task": m0001,
      "0002_security_events": m0002,
      "0003_account_email_events": m0003,
    };
    const upTo0003 = new Migrator({ db: database.db, provider: { getMigrations: async () => before } });
    expect((await upTo0003.migrateToLatest()).error).toBeUndefined();
    await addUser(database.db, "u");
    await addTask(database.db, "u", { title: "kept", description: "with a description" });
    await sql`INSERT INTO security_event (id, user_id, type, created_at)
      VALUES (${"e1"}, ${"u"}, ${"sign_up"}, ${new Date().toISOString()})`.execute(database.db);
    await migrateTandem(database.db);
    expect(
      await database.db.selectFrom("task").select(["title", "description", "user_id", "team_id"]).execute(),
    ).toEqual([{ title: "kept", description: "with a description", user_id: "u", team_id: null }]);
    expect(await database.db.selectFrom("security_event").select(["type", "detail"]).execute()).toEqual([
      { type: "sign_up", detail: null },
    ]);
    // The rebuilt table still cascades from its user.
    await database.db.deleteFrom("user").where("id", "=", "u").execute();
    expect(await count(database.db, "u")).toBe(0);
  });

  it("deletes a user's tasks with the user, and only theirs", async () => {
    const { db } = await migrated();
    await addUser(db, "leaving");
    await addUser(db, "staying");
    for (let i = 0; i < 3; i++) await addTask(db, "leaving", {});
    await addTask(db, "staying", {});
    await db.deleteFrom("user").where("id", "=", "leaving").execute();
    expect(await count(db, "leaving")).toBe(0);
    expect(await count(db, "staying")).toBe(1);
  });

  it("refuses a task whose owner does not exist", async () => {
    const { db } = await migrated();
    await expect(addTask(db, "nobody", {})).rejects.toThrow(/foreign key/i);
  });

  it("enforces the title, description and priority rules in the database itself", async () => {
    const { db } = await migrated();
    await addUser(db, "u");
    await addTask(db, "u", { title: "x".repeat(200), description: "d".repeat(5000) });
    // Lengths are in characters on both engines: 200 four-byte emoji are a valid title.
    await addTask(db, "u", { title: "😀".repeat(200) });
    for (const priority of ["low", "medium", "high"]) await addTask(db, "u", { priority });
    for (const [label, fields] of [
      ["201-character title", { title: "x".repeat(201) }],
      ["201-emoji title", { title: "😀".repeat(201) }],
      ["empty title", { title: "" }],
      ["5001-character description", { description: "d".repeat(5001) }],
      ["unknown priority", { priority: "urgent" }],
      ["priority in another case", { priority: "High" }],
    ] as const) {
      await expect(addTask(db, "u", fields), label).rejects.toThrow(/check constraint/i);
    }
    expect(await count(db, "u")).toBe(5);
  });

  async function addTeam(db: Kysely<Database>, id: string): Promise<void> {
    await sql`INSERT INTO organization (id, name, slug, "createdAt")
      VALUES (${id}, ${id}, ${id}, ${new Date().toISOString()})`.execute(db);
  }

  function addTeamTask(
    db: Kysely<Database>,
    owner: { user?: string; team?: string },
    createdBy: string | null,
  ) {
    const now = new Date().toISOString();
    taskCounter += 1;
    return sql`INSERT INTO task (id, user_id, team_id, created_by, assignee_id, title, completed, priority, created_at, updated_at)
      VALUES (${`task-${taskCounter}`}, ${owner.user ?? null}, ${owner.team ?? null}, ${createdBy}, ${createdBy},
        ${"t"}, ${0}, ${"medium"}, ${now}, ${now})`.execute(db);
  }

  it("holds a task to exactly one owner: a user or a team", async () => {
    const { db } = await migrated();
    await addUser(db, "u");
    await addTeam(db, "team");
    await addTeamTask(db, { team: "team" }, "u");
    await addTeamTask(db, { user: "u" }, null);
    await expect(addTeamTask(db, { user: "u", team: "team" }, null), "both").rejects.toThrow(
      /check constraint/i,
    );
    await expect(addTeamTask(db, {}, null), "neither").rejects.toThrow(/check constraint/i);
    await expect(addTeamTask(db, { team: "no-such-team" }, null)).rejects.toThrow(/foreign key/i);
  });

  it("deletes a team's tasks with the team, and keeps them when their creator's account goes", async () => {
    const { db } = await migrated();
    await addUser(db, "creator");
    await addTeam(db, "kept");
    await addTeam(db, "deleted");
    await addTeamTask(db, { team: "kept" }, "creator");
    await addTeamTask(db, { team: "deleted" }, "creator");
    await db.deleteFrom("organization").where("id", "=", "deleted").execute();
    await db.deleteFrom("user").where("id", "=", "creator").execute();
    const left = await db.selectFrom("task").select(["team_id", "created_by", "assignee_id"]).execute();
    expect(left).toEqual([{ team_id: "kept", created_by: null, assignee_id: null }]);
  });

  it("accepts every live security event type and refuses any other", async () => {
    const { db } = await migrated();
    await addUser(db, "u");
    const insert = (type: string) =>
      sql`INSERT INTO security_event (id, user_id, type, created_at)
        VALUES (${`event-${type}`}, ${"u"}, ${type}, ${new Date().toISOString()})`.execute(db);
    for (const type of SECURITY_EVENT_TYPES) await insert(type);
    await expect(insert("sign_out")).rejects.toThrow(/check constraint/i);
  });

  it("gives Better Auth's passkey table a last-used time, empty until a sign-in sets it", async () => {
    const { db } = await migrated();
    await addUser(db, "u");
    // 1 is true on Postgres and SQLite alike; Better Auth's own columns stay as it made them.
    await sql`INSERT INTO passkey (id, "publicKey", "userId", "credentialID", counter, "deviceType", "backedUp")
      VALUES (${"pk"}, ${"key"}, ${"u"}, ${"cred"}, ${0}, ${"singleDevice"}, ${dialect === "postgres" ? true : 1})`.execute(
      db,
    );
    const read = () => sql<{ lastUsedAt: unknown }>`SELECT "lastUsedAt" FROM passkey`.execute(db);
    expect((await read()).rows).toEqual([{ lastUsedAt: null }]);
    const at = "2026-03-01T12:00:00.000Z";
    await sql`UPDATE passkey SET "lastUsedAt" = ${at}`.execute(db);
    const [row] = (await read()).rows;
    expect(new Date(String(row?.lastUsedAt)).toISOString()).toBe(at);
  });
});
