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

export interface Database {
  task: TaskTable;
  user: UserTable;
  session: SessionTable;
  kysely_migration: { name: string; timestamp: string };
  kysely_migration_lock: { id: string; is_locked: Generated<number> };
}
