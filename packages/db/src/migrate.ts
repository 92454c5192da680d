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
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
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
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
