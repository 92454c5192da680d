import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

/**
 * A per-user counter of changes to the user's personal tasks, bumped by the database itself in
 * the same transaction as the change: every writer (the API, the FastAPI backend, an account
 * deletion's cascade, a hand-run statement) keeps it, with no rule for the application's code
 * to remember. The API serves a list page from its cache only while the counter it read is the
 * one the page was built at (decision 029).
 *
 * A bump for a user who no longer exists is skipped (an account deletion's cascade), so the
 * row goes with the account and the foreign key never refuses the deletion.
 */
const BUMP_SQLITE = (who: "new" | "old") => `
  INSERT INTO task_list_version (user_id, version)
  SELECT ${who}.user_id, 1 WHERE EXISTS (SELECT 1 FROM "user" WHERE id = ${who}.user_id)
  ON CONFLICT (user_id) DO UPDATE SET version = version + 1;`;

/** The SQLite triggers: name, event, condition, and whose version the row's change bumps. */
const SQLITE_TRIGGERS = [
  ["insert", "INSERT", "new.user_id IS NOT NULL", "new"],
  ["update_old", "UPDATE", "old.user_id IS NOT NULL", "old"],
  ["update_new", "UPDATE", "new.user_id IS NOT NULL AND new.user_id IS NOT old.user_id", "new"],
  ["delete", "DELETE", "old.user_id IS NOT NULL", "old"],
] as const;

async function sqlite(db: Kysely<unknown>): Promise<void> {
  for (const [name, event, when, who] of SQLITE_TRIGGERS) {
    await sql
      .raw(
        `CREATE TRIGGER task_list_version_${name} AFTER ${event} ON task WHEN ${when}
         BEGIN ${BUMP_SQLITE(who)} END`,
      )
      .execute(db);
  }
}

async function postgres(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION task_list_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      owners text[] := ARRAY[]::text[];
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.user_id IS NOT NULL THEN owners := owners || OLD.user_id; END IF;
      IF TG_OP <> 'DELETE' AND NEW.user_id IS NOT NULL
         AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        owners := owners || NEW.user_id;
      END IF;
      INSERT INTO task_list_version (user_id, version)
      SELECT u.id, 1 FROM "user" u WHERE u.id = ANY (owners)
      ON CONFLICT (user_id) DO UPDATE SET version = task_list_version.version + 1;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER task_list_version AFTER INSERT OR UPDATE OR DELETE ON task
    FOR EACH ROW EXECUTE FUNCTION task_list_version_bump()`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("task_list_version")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
  // Users who already have tasks start at 1, so their lists can be cached before their next write.
  await sql`INSERT INTO task_list_version (user_id, version)
    SELECT DISTINCT user_id, 1 FROM task WHERE user_id IS NOT NULL`.execute(db);
  await (dialectOf(db) === "postgres" ? postgres(db) : sqlite(db));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === "postgres") {
    await sql`DROP TRIGGER task_list_version ON task`.execute(db);
    await sql`DROP FUNCTION task_list_version_bump()`.execute(db);
  } else {
    for (const [name] of SQLITE_TRIGGERS) await sql.raw(`DROP TRIGGER task_list_version_${name}`).execute(db);
  }
  await db.schema.dropTable("task_list_version").execute();
}
