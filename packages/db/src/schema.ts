import type { ColumnType, Generated } from "kysely";

/** Instants are `timestamptz` on Postgres (read back as Date) and ISO-8601 text on SQLite. */
type Instant = ColumnType<Date | string, string, string>;
type NullableInstant = ColumnType<Date | string | null, string | null, string | null>;
/** `boolean` on Postgres; 0/1 on SQLite, which has no boolean type. 0/1 is accepted by both. */
type Flag = ColumnType<boolean | number, number, number>;

export interface TaskTable {
  id: string;
  user_id: string;
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
] as const;

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export interface SecurityEventTable {
  id: string;
  user_id: string;
  type: SecurityEventType;
  ip: string | null;
  user_agent: string | null;
  created_at: Instant;
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
}

/** Better Auth's signing keys (jwt plugin); Tandem only retires or deletes rows (key rotation). */
export interface JwksTable {
  id: string;
  createdAt: Instant;
  expiresAt: NullableInstant;
}

export interface Database {
  task: TaskTable;
  security_event: SecurityEventTable;
  sign_in_failure: SignInFailureTable;
  user: UserTable;
  session: SessionTable;
  jwks: JwksTable;
  kysely_migration: { name: string; timestamp: string };
  kysely_migration_lock: { id: string; is_locked: Generated<number> };
}
