import { migrateTandem, type TandemDb } from "@tandem/db";
import { getMigrations } from "better-auth/db/migration";
import { authSchemaOptions } from "./auth.ts";

/**
 * Brings a database up to date: Better Auth's tables first (Tandem's reference `user`), then
 * Tandem's own. Idempotent.
 */
export async function migrateDatabase(database: TandemDb): Promise<void> {
  const { runMigrations } = await getMigrations(authSchemaOptions(database));
  await runMigrations();
  await migrateTandem(database.db);
}
