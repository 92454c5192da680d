import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

// The security event types allowed from this migration on, frozen here like 0002's list: the
// account-recovery flows (decision 015) record each of their steps.
const TYPES_AT_0003 = [
  "sign_in",
  "sign_in_failed",
  "lockout",
  "password_changed",
  "email_changed",
  "session_revoked",
  "sessions_revoked",
  "sign_up",
  "new_device_sign_in",
  "password_reset_requested",
  "password_reset",
  "password_reset_failed",
  "verification_sent",
  "email_verified",
  "email_verification_failed",
  "email_change_requested",
  "email_delivery_failed",
] as const;

/**
 * Widens the CHECK on `security_event.type`. PostgreSQL replaces the constraint in place; SQLite
 * cannot alter a constraint, so the table is rebuilt (copy, drop, rename) in the migration's
 * transaction, with its index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const types = sql.join(TYPES_AT_0003.map((type) => sql.lit(type)));
  if (dialectOf(db) === "postgres") {
    await sql`ALTER TABLE security_event DROP CONSTRAINT IF EXISTS security_event_type_check`.execute(db);
    await sql`ALTER TABLE security_event ADD CONSTRAINT security_event_type_check CHECK (type IN (${types}))`.execute(
      db,
    );
    return;
  }
  await db.schema
    .createTable("security_event_next")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in (${types})`))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await sql`INSERT INTO security_event_next (id, user_id, type, ip, user_agent, created_at)
    SELECT id, user_id, type, ip, user_agent, created_at FROM security_event`.execute(db);
  await db.schema.dropTable("security_event").execute();
  await sql`ALTER TABLE security_event_next RENAME TO security_event`.execute(db);
  await db.schema
    .createIndex("security_event_user_created_idx")
    .on("security_event")
    .columns(["user_id", "created_at", "id"])
    .execute();
}

export async function down(): Promise<void> {
  // Narrowing the CHECK would fail on rows of the new types; there is no way back but a restore.
  throw new Error("0003_account_email_events cannot be undone");
}
