// Databases for the servers under test: a migrated SQLite file or PostgreSQL database private to
// one stack, made by migrating or by copying a template.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT } from "./paths.ts";
import { LineBuffer, runStep } from "./processes.ts";
import { baseEnv } from "./services.ts";

export type StackDialect = "sqlite" | "postgres";

/** A migrated database private to one stack. */
export interface StackDatabase {
  dialect: StackDialect;
  url: string;
  /** Deletes it (the SQLite folder, or DROP DATABASE … WITH (FORCE)). Idempotent. */
  remove(): Promise<void>;
}

async function migrate(url: string): Promise<void> {
  await runStep({
    name: "migrate",
    command: join(BIN, "tsx"),
    args: ["scripts/db-migrate.ts"],
    cwd: ROOT,
    env: { ...baseEnv(), DATABASE_URL: url },
    stdout: new LineBuffer(),
  });
}

async function withPostgres(
  adminUrl: string,
  work: (query: (text: string) => Promise<unknown>) => Promise<unknown>,
): Promise<void> {
  // Loaded only for PostgreSQL runs; `pg` is plain JavaScript, so this works under any loader.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work((text) => client.query(text));
  } finally {
    await client.end();
  }
}

export interface StackDatabaseOptions {
  /** An administrator connection (e.g. TEST_DATABASE_URL); required for PostgreSQL. */
  adminUrl?: string | undefined;
  /**
   * The URL of a migrated database of the same dialect to copy instead of migrating (a file
   * copy, or CREATE DATABASE … TEMPLATE): much faster when a run needs many databases.
   */
  template?: string | undefined;
}

/**
 * A fresh migrated database: a SQLite file in a temporary folder, or a PostgreSQL database
 * created for it through `adminUrl`.
 */
export async function createStackDatabase(
  dialect: StackDialect = "sqlite",
  { adminUrl, template }: StackDatabaseOptions = {},
): Promise<StackDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tandem-stack-"));
    const remove = async () => rmSync(dir, { recursive: true, force: true });
    const path = join(dir, "tandem.db");
    try {
      // The template was closed after migrating, so its main file holds everything (no WAL).
      if (template) copyFileSync(template.replace(/^file:/, ""), path);
      else await migrate(`file:${path}`);
    } catch (error) {
      await remove();
      throw error;
    }
    return { dialect, url: `file:${path}`, remove };
  }
  if (!adminUrl) throw new Error("A PostgreSQL stack needs an administrator URL (TEST_DATABASE_URL)");
  const name = `tandem_stack_${process.pid.toString(36)}_${randomBytes(5).toString("hex")}`;
  const from = template ? ` TEMPLATE "${decodeURIComponent(new URL(template).pathname.slice(1))}"` : "";
  await withPostgres(adminUrl, (query) => query(`CREATE DATABASE "${name}"${from}`));
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await withPostgres(adminUrl, (query) => query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    if (!template) await migrate(url.toString());
  } catch (error) {
    await remove();
    throw error;
  }
  return { dialect, url: url.toString(), remove };
}
