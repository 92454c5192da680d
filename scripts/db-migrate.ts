// `npm run db:migrate`: applies Better Auth's and Tandem's migrations to DATABASE_URL
// (default: the embedded SQLite file data/tandem.db).
import { migrateDatabase } from "@tandem/auth";
import { createDb } from "@tandem/db";

const database = createDb(process.env.DATABASE_URL);
try {
  await migrateDatabase(database);
  console.log(`Database is up to date (${database.dialect}: ${database.location})`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.destroy();
}
