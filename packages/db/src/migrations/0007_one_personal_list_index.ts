import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

/**
 * On SQLite, a user's tasks had two indexes of the same rows: (user_id, created_at, id) for the
 * list of every task and (user_id, completed, created_at, id) for the Active / Completed filters.
 * The second serves the first as two ranges merged (the list query), so the first is dropped and
 * every personal write updates one per-user index page fewer. PostgreSQL keeps both: there the
 * merge was measured slower than the index it would replace (docs/decisions/031-one-index-per-user-list.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === "sqlite") await sql`DROP INDEX task_user_created_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === "sqlite") {
    await sql`CREATE INDEX task_user_created_idx ON task (user_id, created_at, id)`.execute(db);
  }
}
