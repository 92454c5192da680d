import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

// The types allowed when this migration was written, frozen here: a migration that has run must not
// change when the live list (SECURITY_EVENT_TYPES in schema.ts) grows. A new type needs a new migration.
const TYPES_AT_0002 = [
  "sign_in",
  "sign_in_failed",
  "lockout",
  "password_changed",
  "email_changed",
  "session_revoked",
  "sessions_revoked",
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const instant = dialectOf(db) === "postgres" ? "timestamptz" : "text";
  const types = sql.join(TYPES_AT_0002.map((type) => sql.lit(type)));
  await db.schema
    .createTable("security_event")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in (${types})`))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", sql.raw(instant), (c) => c.notNull())
    .execute();
  // Serves the security history (a user's newest events first) and the cascade on user deletion.
  await db.schema
    .createIndex("security_event_user_created_idx")
    .on("security_event")
    .columns(["user_id", "created_at", "id"])
    .execute();

  // Failed password sign-ins per email, for the account lockout. Keyed by an HMAC of the
  // normalised email rather than the email, so attempts on unknown addresses store no plaintext,
  // and with no reference to `user`, so unknown and known emails are counted the same way.
  await db.schema
    .createTable("sign_in_failure")
    .addColumn("email_hash", "text", (c) => c.primaryKey())
    .addColumn("failure_count", "integer", (c) => c.notNull())
    .addColumn("window_start", sql.raw(instant), (c) => c.notNull())
    .addColumn("locked_until", sql.raw(instant))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sign_in_failure").execute();
  await db.schema.dropTable("security_event").execute();
}
