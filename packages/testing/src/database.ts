import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Dialect, type TandemDb } from "@tandem/db";
import { sql } from "kysely";
import { describe, inject } from "vitest";
import {
  createSqliteTemplate,
  newRunPrefix,
  postgresUrlFor,
  randomSuffix,
  type TemplateInfo,
  testDatabaseAdminUrl,
  withAdmin,
} from "./templates.ts";

export { postgresSkippedLine, testDialects } from "./templates.ts";

/**
 * `describe` for a group that only means something on PostgreSQL. Without TEST_DATABASE_URL the
 * group is reported as skipped rather than left empty (an empty file fails the whole run).
 */
export function describePostgres(name: string, body: () => void): void {
  describe.skipIf(testDatabaseAdminUrl() === undefined)(`${name} on postgres`, body);
}

export type TestDatabase = TandemDb & {
  /** A DATABASE_URL that opens this same database from another instance or process. */
  url: string;
  /** Closes this handle and deletes the database (file or Postgres database). Idempotent. */
  cleanup(): Promise<void>;
};

/**
 * A fresh, fully migrated database of the given dialect, private to the caller.
 *
 * @example
 * let database: TestDatabase;
 * beforeEach(async () => { database = await createTestDatabase(dialect); });
 * afterEach(() => database.cleanup());
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  return dialect === "postgres" ? createPostgres() : createSqlite();
}

async function createSqlite(): Promise<TestDatabase> {
  const { dir: parent, file: template } = await sqliteTemplate();
  const dir = mkdtempSync(join(parent, "db-"));
  const path = join(dir, "test.db");
  copyFileSync(template, path);
  const url = `file:${path}`;
  const database = createDb(url);
  let cleaned = false;
  return {
    ...database,
    url,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await database.destroy();
      // The directory holds the -wal and -shm files too.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(): Promise<TestDatabase> {
  const adminUrl = testDatabaseAdminUrl();
  const info = provided();
  if (adminUrl === undefined)
    throw new Error("Postgres test databases need TEST_DATABASE_URL (an admin URL)");
  if (info?.postgresTemplate === undefined) {
    throw new Error(
      "No Postgres template: run the tests through the root vitest.config.ts, whose globalSetup " +
        "(@tandem/testing/global-setup) creates it once per run and drops everything afterwards",
    );
  }
  const template = info.postgresTemplate;
  const name = `${info.runPrefix}${process.pid.toString(36)}_${randomSuffix()}`;
  await withAdmin(adminUrl, (db) =>
    sql`CREATE DATABASE ${sql.id(name)} TEMPLATE ${sql.id(template)}`.execute(db),
  );
  const url = postgresUrlFor(adminUrl, name);
  const database = createDb(url);
  let cleaned = false;
  return {
    ...database,
    url,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await database.destroy();
      // FORCE also ends connections a test opened itself through `url` and forgot to close.
      await withAdmin(adminUrl, (db) =>
        sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db),
      );
    },
  };
}

function provided(): TemplateInfo | undefined {
  try {
    return inject("tandemTemplates");
  } catch {
    // Outside a Vitest worker there is nothing provided.
    return undefined;
  }
}

let fallbackTemplate: Promise<{ dir: string; file: string }> | undefined;

/**
 * The migrated SQLite file to copy. Normally the global setup made it; without that setup (another
 * Vitest config, a script) each module instance migrates its own once and deletes it at exit.
 */
function sqliteTemplate(): Promise<{ dir: string; file: string }> {
  const info = provided();
  if (info !== undefined) return Promise.resolve({ dir: info.sqliteDir, file: info.sqliteTemplate });
  fallbackTemplate ??= createSqliteTemplate(tmpdir(), newRunPrefix()).then((template) => {
    process.once("exit", () => rmSync(template.dir, { recursive: true, force: true }));
    return template;
  });
  return fallbackTemplate;
}
