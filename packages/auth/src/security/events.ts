import { type Database, type SecurityEventType, uuidv7 } from "@tandem/db";
import type { Kysely } from "kysely";

export type { SecurityEventType } from "@tandem/db";

/** One entry of a user's security history, as the settings page shows it. */
export interface SecurityEvent {
  id: string;
  type: SecurityEventType;
  /** The client address as Better Auth resolved it (trusted proxy headers only); null if unknown. */
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** What the event was about (a team's name), or null. */
  detail: string | null;
}

export interface NewSecurityEvent {
  userId: string;
  type: SecurityEventType;
  ip: string | null;
  userAgent: string | null;
  /** Defaults to now. */
  at?: Date;
  /** What the event was about, e.g. a team's name (never a secret). */
  detail?: string | null;
}

/** A detail longer than this is cut (team names are shorter; the column is free text). */
const MAX_DETAIL_LENGTH = 200;

/** A user agent longer than this is cut: the column is free text any client can fill. */
const MAX_USER_AGENT_LENGTH = 512;

export async function recordSecurityEvent(db: Kysely<Database>, event: NewSecurityEvent): Promise<void> {
  const at = event.at ?? new Date();
  await db
    .insertInto("security_event")
    .values({
      id: uuidv7(at.getTime()),
      user_id: event.userId,
      type: event.type,
      ip: event.ip,
      user_agent: event.userAgent === null ? null : event.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
      created_at: at.toISOString(),
      detail: event.detail == null ? null : event.detail.slice(0, MAX_DETAIL_LENGTH),
    })
    .execute();
}

/**
 * A user's most recent security events, newest first (ties broken by the time-ordered id, so
 * events recorded within one millisecond keep their order).
 */
export async function listSecurityEvents(
  db: Kysely<Database>,
  userId: string,
  limit = 20,
): Promise<SecurityEvent[]> {
  const rows = await db
    .selectFrom("security_event")
    .select(["id", "type", "ip", "user_agent", "created_at", "detail"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(Math.max(0, Math.floor(limit)))
    .execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: new Date(row.created_at),
    detail: row.detail,
  }));
}
