import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

// Frozen like 0003's list: the team events (decision 016) join the account's history.
const TYPES_AT_0004 = [
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
] as const;

// A task belongs to exactly one user or exactly one team.
const OWNER_CHECK = sql`(user_id is null) <> (team_id is null)`;

async function teamIndexes(db: Kysely<unknown>): Promise<void> {
  // The team list and its keyset pages, as the personal indexes serve the personal list; partial,
  // so personal rows (team_id null) cost them nothing.
  await sql`CREATE INDEX task_team_created_idx ON task (team_id, created_at, id) WHERE team_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX task_team_completed_created_idx ON task (team_id, completed, created_at, id) WHERE team_id IS NOT NULL`.execute(
    db,
  );
  // The ON DELETE SET NULL of an account deletion finds its rows by these (team tasks only).
  await sql`CREATE INDEX task_created_by_idx ON task (created_by) WHERE created_by IS NOT NULL`.execute(db);
  await sql`CREATE INDEX task_assignee_idx ON task (assignee_id) WHERE assignee_id IS NOT NULL`.execute(db);
  // Both APIs ask "is this user a member of this team, and as what?" on each request (cached for
  // at most the revocation bound); Better Auth indexes the two columns only one at a time.
  await sql`CREATE INDEX member_team_user_idx ON member ("organizationId", "userId")`.execute(db);
}

async function postgres(db: Kysely<unknown>): Promise<void> {
  const types = sql.join(TYPES_AT_0004.map((type) => sql.lit(type)));
  await sql`ALTER TABLE task ALTER COLUMN user_id DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE task ADD COLUMN team_id text REFERENCES organization(id) ON DELETE CASCADE`.execute(
    db,
  );
  await sql`ALTER TABLE task ADD COLUMN created_by text REFERENCES "user"(id) ON DELETE SET NULL`.execute(db);
  await sql`ALTER TABLE task ADD COLUMN assignee_id text REFERENCES "user"(id) ON DELETE SET NULL`.execute(
    db,
  );
  await sql`ALTER TABLE task ADD CONSTRAINT task_owner_check CHECK (${OWNER_CHECK})`.execute(db);
  await teamIndexes(db);
  await sql`ALTER TABLE security_event ADD COLUMN detail text`.execute(db);
  await sql`ALTER TABLE security_event DROP CONSTRAINT IF EXISTS security_event_type_check`.execute(db);
  await sql`ALTER TABLE security_event ADD CONSTRAINT security_event_type_check CHECK (type IN (${types}))`.execute(
    db,
  );
}

/** SQLite cannot alter a column or a constraint: both tables are rebuilt (copy, drop, rename). */
async function sqlite(db: Kysely<unknown>): Promise<void> {
  const types = sql.join(TYPES_AT_0004.map((type) => sql.lit(type)));
  await db.schema
    .createTable("task_next")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.references("user.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn("description", "text", (c) => c.check(sql`length(description) <= 5000`))
    .addColumn("completed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("priority", "text", (c) =>
      c
        .notNull()
        .defaultTo("medium")
        .check(sql`priority in ('low', 'medium', 'high')`),
    )
    .addColumn("due_at", "text")
    .addColumn("completed_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("team_id", "text", (c) => c.references("organization.id").onDelete("cascade"))
    .addColumn("created_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("assignee_id", "text", (c) => c.references("user.id").onDelete("set null"))
    .addCheckConstraint("task_owner_check", OWNER_CHECK)
    .execute();
  await sql`INSERT INTO task_next (id, user_id, title, description, completed, priority, due_at, completed_at, created_at, updated_at)
    SELECT id, user_id, title, description, completed, priority, due_at, completed_at, created_at, updated_at FROM task`.execute(
    db,
  );
  await db.schema.dropTable("task").execute();
  await sql`ALTER TABLE task_next RENAME TO task`.execute(db);
  // The personal indexes of 0001, as they were.
  await db.schema
    .createIndex("task_user_created_idx")
    .on("task")
    .columns(["user_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("task_user_completed_created_idx")
    .on("task")
    .columns(["user_id", "completed", "created_at", "id"])
    .execute();
  await teamIndexes(db);

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

/**
 * Teams (decision 016): a task belongs to a user or to a team (Better Auth's `organization`, whose
 * tables its own migration creates first), records who created it and whom it is assigned to, and
 * the security history gains the team events with a short detail (the team's name).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await (dialectOf(db) === "postgres" ? postgres(db) : sqlite(db));
}

export async function down(): Promise<void> {
  // Team tasks have no user to fall back to; there is no way back but a restore.
  throw new Error("0004_teams cannot be undone");
}
