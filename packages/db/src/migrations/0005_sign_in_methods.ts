import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

// Frozen like 0004's list: the sign-in method events (two-factor, passkeys, linked providers,
// access tokens) join the account's history.
const TYPES_AT_0005 = [
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
  "team_created",
  "team_joined",
  "team_left",
  "team_member_removed",
  "team_role_changed",
  "team_invitation_sent",
  "team_invitation_accepted",
  "team_invitation_declined",
  "team_ownership_transferred",
  "team_deleted",
  "two_factor_enabled",
  "two_factor_disabled",
  "backup_code_used",
  "backup_codes_regenerated",
  "passkey_added",
  "passkey_removed",
  "provider_linked",
  "provider_unlinked",
  "access_token_created",
  "access_token_first_used",
  "access_token_revoked",
] as const;

async function accessTokens(db: Kysely<unknown>): Promise<void> {
  const instant = sql.raw(dialectOf(db) === "postgres" ? "timestamptz" : "text");
  await db.schema
    .createTable("access_token")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) between 1 and 60`))
    // SHA-256 (hex) of the whole token: the token itself is never stored.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // The token's first characters, for the list ("tandem_pat_Ab3…"); not enough to use it.
    .addColumn("token_hint", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('read', 'write')`))
    .addColumn("created_at", instant, (c) => c.notNull())
    .addColumn("expires_at", instant, (c) => c.notNull())
    .addColumn("last_used_at", instant)
    .addColumn("revoked_at", instant)
    .execute();
  await db.schema
    .createIndex("access_token_user_created_idx")
    .on("access_token")
    .columns(["user_id", "created_at"])
    .execute();
}

/**
 * When each passkey last signed its user in, for the settings list. Better Auth's passkey table has
 * no such column; its own migration creates the table before this one runs.
 */
async function passkeyLastUsed(db: Kysely<unknown>): Promise<void> {
  const instant = sql.raw(dialectOf(db) === "postgres" ? "timestamptz" : "text");
  await db.schema.alterTable("passkey").addColumn("lastUsedAt", instant).execute();
}

async function postgres(db: Kysely<unknown>): Promise<void> {
  const types = sql.join(TYPES_AT_0005.map((type) => sql.lit(type)));
  await sql`ALTER TABLE security_event DROP CONSTRAINT IF EXISTS security_event_type_check`.execute(db);
  await sql`ALTER TABLE security_event ADD CONSTRAINT security_event_type_check CHECK (type IN (${types}))`.execute(
    db,
  );
}

/** SQLite cannot alter a constraint: the history table is rebuilt (copy, drop, rename). */
async function sqlite(db: Kysely<unknown>): Promise<void> {
  const types = sql.join(TYPES_AT_0005.map((type) => sql.lit(type)));
  await db.schema
    .createTable("security_event_next")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in (${types})`))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("detail", "text")
    .execute();
  await sql`INSERT INTO security_event_next (id, user_id, type, ip, user_agent, created_at, detail)
    SELECT id, user_id, type, ip, user_agent, created_at, detail FROM security_event`.execute(db);
  await db.schema.dropTable("security_event").execute();
  await sql`ALTER TABLE security_event_next RENAME TO security_event`.execute(db);
  await db.schema
    .createIndex("security_event_user_created_idx")
    .on("security_event")
    .columns(["user_id", "created_at", "id"])
    .execute();
}

/**
 * Stronger sign-in (decision 017): personal access tokens, stored as hashes, the passkeys' last
 * use, and the history's new event types. Two-factor, passkey and session columns are Better
 * Auth's, created by its own migration before this one runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await accessTokens(db);
  await passkeyLastUsed(db);
  await (dialectOf(db) === "postgres" ? postgres(db) : sqlite(db));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("passkey").dropColumn("lastUsedAt").execute();
  await db.schema.dropTable("access_token").execute();
}
