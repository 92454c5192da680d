import type { ColumnType, Generated } from "kysely";

/** Instants are `timestamptz` on Postgres (read back as Date) and ISO-8601 text on SQLite. */
type Instant = ColumnType<Date | string, string, string>;
type NullableInstant = ColumnType<Date | string | null, string | null, string | null>;
/** `boolean` on Postgres; 0/1 on SQLite, which has no boolean type. 0/1 is accepted by both. */
type Flag = ColumnType<boolean | number, number, number>;

/** A task belongs to exactly one user (`user_id`) or one team (`team_id`): a CHECK holds it. */
export interface TaskTable {
  id: string;
  user_id: string | null;
  team_id: string | null;
  /** Team tasks only: who created it; null once that account is deleted. */
  created_by: string | null;
  /** Team tasks only: a member of the team, or null. */
  assignee_id: string | null;
  title: string;
  description: string | null;
  completed: Flag;
  priority: "low" | "medium" | "high";
  due_at: NullableInstant;
  completed_at: NullableInstant;
  created_at: Instant;
  updated_at: Instant;
}

/**
 * The security event types Tandem records. The database's CHECK constraint must allow each of
 * them: adding one here needs a migration that widens the constraint.
 */
export const SECURITY_EVENT_TYPES = [
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

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export interface SecurityEventTable {
  id: string;
  user_id: string;
  type: SecurityEventType;
  ip: string | null;
  user_agent: string | null;
  created_at: Instant;
  /** What the event was about, where it names something (a team's name); never a secret. */
  detail: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Failed password sign-ins for one email (keyed by its HMAC), for the account lockout. */
export interface SignInFailureTable {
  email_hash: string;
  failure_count: number;
  window_start: Instant;
  locked_until: NullableInstant;
}

// Better Auth owns these tables (camelCase columns, created by its own migrations); Tandem reads
// only the columns typed here.
export interface UserTable {
  id: string;
  name: string;
  email: string;
}

export interface SessionTable {
  id: string;
  userId: string;
  expiresAt: Instant;
  token: string;
  createdAt: Instant;
  /** How the session was signed in: RFC 8176 values, space-separated (decision 017). */
  amr: string | null;
}

/** A personal access token for scripts (decision 017); only the SHA-256 of the token is kept. */
export interface AccessTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  scope: "read" | "write";
  created_at: Instant;
  expires_at: Instant;
  last_used_at: NullableInstant;
  revoked_at: NullableInstant;
}

/** Better Auth's organization plugin: Tandem's teams (decision 016). */
export interface OrganizationTable {
  id: string;
  name: string;
  slug: string;
  createdAt: Instant;
}

/** A user's membership of a team; `role` is one of TEAM_ROLES (Better Auth allows a list). */
export interface MemberTable {
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  createdAt: Instant;
}

export interface InvitationTable {
  id: string;
  organizationId: string;
  email: string;
  role: string | null;
  status: string;
  expiresAt: Instant;
  inviterId: string;
  createdAt: Instant;
}

/** Better Auth's signing keys (jwt plugin); Tandem only retires or deletes rows (key rotation). */
export interface JwksTable {
  id: string;
  createdAt: Instant;
  expiresAt: NullableInstant;
}

/**
 * Changes to a user's personal tasks so far, kept by triggers on `task` (migration 0006): a list
 * page built at one value is current while the value has not moved. Absent: no change recorded.
 */
export interface TaskListVersionTable {
  user_id: string;
  /** A number on SQLite; `pg` reads a bigint as a string. */
  version: ColumnType<number | string, number, number>;
}

export interface Database {
  task: TaskTable;
  task_list_version: TaskListVersionTable;
  security_event: SecurityEventTable;
  access_token: AccessTokenTable;
  sign_in_failure: SignInFailureTable;
  user: UserTable;
  session: SessionTable;
  jwks: JwksTable;
  organization: OrganizationTable;
  member: MemberTable;
  invitation: InvitationTable;
  kysely_migration: { name: string; timestamp: string };
  kysely_migration_lock: { id: string; is_locked: Generated<number> };
}
