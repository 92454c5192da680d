import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase } from "@tandem/auth";
import { createDb, type Database, type Dialect } from "@tandem/db";
import { type Kysely, sql } from "kysely";

/** Every database and directory this package creates starts with this, so leftovers are recognisable. */
export const NAME_PREFIX = "tandem_test_";

/** What the global setup prepared once for the whole run, handed to every worker. */
export interface TemplateInfo {
  /** Per-run prefix of every Postgres database (and temp directory) of this run. */
  runPrefix: string;
  /** Directory holding the SQLite template and every per-test SQLite file of this run. */
  sqliteDir: string;
  sqliteTemplate: string;
  /** Name of the migrated Postgres template database, when TEST_DATABASE_URL is set. */
  postgresTemplate?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    tandemTemplates: TemplateInfo;
  }
}

export function testDatabaseAdminUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === "" ? undefined : url;
}

export function testDialects(): Dialect[] {
  const available: Dialect[] = testDatabaseAdminUrl() === undefined ? ["sqlite"] : ["sqlite", "postgres"];
  // CI runs the unit tests twice, once without TEST_DATABASE_URL (as a fresh clone does) and once
  // with it; TEST_DIALECTS=postgres keeps the second run to the PostgreSQL halves, which the
  // first cannot run, instead of running every SQLite half again.
  const only = process.env.TEST_DIALECTS;
  if (only === undefined || only === "") return available;
  const wanted = only.split(",").map((name) => name.trim());
  for (const name of wanted) {
    if (name !== "sqlite" && name !== "postgres") {
      throw new Error(`TEST_DIALECTS: "${name}" is not a dialect (sqlite, postgres)`);
    }
    if (!available.includes(name))
      throw new Error(`TEST_DIALECTS names ${name}, but TEST_DATABASE_URL is not set`);
  }
  return available.filter((dialect) => wanted.includes(dialect));
}

/**
 * The one line a run prints when its PostgreSQL half is skipped, or undefined when it runs.
 * Suites print it once (in their global setup) so a green run without PostgreSQL says so.
 */
export function postgresSkippedLine(suite: string): string | undefined {
  if (testDatabaseAdminUrl() !== undefined) return undefined;
  return `${suite}: PostgreSQL half skipped: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres runs it)`;
}

export function randomSuffix(): string {
  return randomBytes(5).toString("hex");
}

/** Process id and randomness: unique even when several CI jobs share one Postgres server. */
export function newRunPrefix(): string {
  return `${NAME_PREFIX}${process.pid.toString(36)}${randomSuffix()}_`;
}

/** The admin URL with its database swapped, keeping credentials and query parameters. */
export function postgresUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` over a one-connection pool on the admin database, then closes it. */
export async function withAdmin<T>(adminUrl: string, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const admin = createDb(adminUrl, { poolSize: 1 });
  try {
    return await work(admin.db);
  } finally {
    await admin.destroy();
  }
}

export async function createPostgresTemplate(adminUrl: string, runPrefix: string): Promise<string> {
  const name = `${runPrefix}template`;
  await withAdmin(adminUrl, (db) => sql`CREATE DATABASE ${sql.id(name)}`.execute(db));
  const template = createDb(postgresUrlFor(adminUrl, name), { poolSize: 1 });
  try {
    await migrateDatabase(template);
  } finally {
    // CREATE DATABASE … TEMPLATE refuses a source that anyone is still connected to.
    await template.destroy();
  }
  return name;
}

/** Drops every database whose name starts with `prefix`, even if connections remain. */
export async function dropPostgresDatabases(adminUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(adminUrl, async (db) => {
    const { rows } = await sql<{ datname: string }>`
      SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix})`.execute(db);
    for (const { datname } of rows) {
      await sql`DROP DATABASE IF EXISTS ${sql.id(datname)} WITH (FORCE)`.execute(db);
    }
    return rows.map((row) => row.datname);
  });
}

export async function createSqliteTemplate(
  parent: string,
  runPrefix: string,
): Promise<{ dir: string; file: string }> {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, runPrefix));
  const file = join(dir, "template.db");
  const database = createDb(`file:${file}`);
  try {
    await migrateDatabase(database);
  } finally {
    // Closing the last connection checkpoints the WAL into the main file, so copying that one
    // file is enough.
    await database.destroy();
  }
  return { dir, file };
}
