import type { Database } from "./schema.ts";
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from "kysely";
import * as m0001 from "./migrations/0001_create_task.ts";
import * as m0002 from "./migrations/0002_security_events.ts";
import * as m0003 from "./migrations/0003_account_email_events.ts";
import * as m0004 from "./migrations/0004_teams.ts";
import * as m0005 from "./migrations/0005_sign_in_methods.ts";
import * as m0006 from "./migrations/0006_task_list_version.ts";
import * as m0007 from "./migrations/0007_one_personal_list_index.ts";

// A static list (not a folder scan) so migrations work the same from source and from a bundle.
const migrations: Record<string, Migration> = {
  "0001_create_task": m0001,
  "0002_security_events": m0002,
  "0003_account_email_events": m0003,
  "0004_teams": m0004,
  "0005_sign_in_methods": m0005,
  "0006_task_list_version": m0006,
  "0007_one_personal_list_index": m0007,
};

export class MigrationError extends Error {}

/**
 * Applies Tandem's own migrations (not Better Auth's: see `migrateDatabase` in @tandem/auth,
 * which runs both in order). Idempotent; Kysely takes a lock so concurrent runs are safe.
 */
export async function migrateTandem(db: Kysely<Database>): Promise<MigrationResultSet> {
  return settled(await migratorOf(db).migrateToLatest());
}

/**
 * Moves the database to just after migration `name`, up or down (the benchmark's `--baseline`
 * gives an older build a copy of the database at that build's own schema).
 */
export async function migrateTandemTo(db: Kysely<Database>, name: string): Promise<MigrationResultSet> {
  if (!(name in migrations)) throw new MigrationError(`no migration is named ${name}`);
  return settled(await migratorOf(db).migrateTo(name));
}

function migratorOf(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function settled(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new MigrationError(
      `migration ${failed?.migrationName ?? "(unknown)"} failed: ${
        result.error instanceof Error ? result.error.message : String(result.error)
      }`,
      { cause: result.error },
    );
  }
  return result;
}

/** Names of Tandem migrations not yet applied (all of them on an empty database). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migratorOf(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
