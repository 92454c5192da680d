import type { TandemDb } from "@tandem/db";
import type { Identity } from "./identity.ts";

/** The session store could not be asked; the request must fail closed (503), not pass. */
export class SessionStoreUnavailableError extends Error {
  override name = "SessionStoreUnavailableError";
}

export interface SessionCheckOptions {
  database: Pick<TandemDb, "db">;
  /**
   * How long an answer is reused, in seconds: the bound on how late a sign-out, revocation or
   * account deletion reaches the API. 0 asks the database on every request. Default 5.
   */
  cacheSeconds?: number;
  /** Most sessions remembered at once (default 10 000); the oldest answers are dropped first. */
  maxEntries?: number;
  now?: () => number;
}

export interface SessionCheck {
  /** True while the token's session exists, belongs to its subject and has not expired. */
  isActive(identity: Identity): Promise<boolean>;
}

interface Entry {
  active: boolean;
  checkedAt: number;
  /** Session expiry (ms); a cached "active" never outlives it. */
  expiresAt: number;
}

export const DEFAULT_REVOCATION_CHECK_SECONDS = 5;
/** A cached answer this far into its lifetime is refreshed in the background (why: docs/decisions/007-list-path-database-tuning.md). */
export const REFRESH_AHEAD_FRACTION = 0.8;

/**
 * Checks that a verified token's session (`sid`) is still live in Better Auth's `session`
 * table, with a small in-process cache so the check is not a query per request. A token without
 * `sid` is never active: Tandem's tokens always carry one.
 */
export function createSessionCheck(options: SessionCheckOptions): SessionCheck {
  const ttlMs = (options.cacheSeconds ?? DEFAULT_REVOCATION_CHECK_SECONDS) * 1000;
  const refreshAfterMs = ttlMs * REFRESH_AHEAD_FRACTION;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry>>();
  const { db } = options.database;

  async function lookUp(sessionId: string, userId: string): Promise<Entry> {
    const checkedAt = now();
    let row: { expiresAt: Date | string } | undefined;
    try {
      row = await db
        .selectFrom("session")
        .select("expiresAt")
        .where("id", "=", sessionId)
        .where("userId", "=", userId)
        .executeTakeFirst();
    } catch (error) {
      throw new SessionStoreUnavailableError("the session store cannot be read", { cause: error });
    }
    const expiresAt = row ? new Date(row.expiresAt).getTime() : 0;
    return { active: row !== undefined && expiresAt > checkedAt, checkedAt, expiresAt };
  }

  function remember(key: string, entry: Entry) {
    if (ttlMs <= 0) return;
    cache.delete(key);
    cache.set(key, entry);
    // Map keeps insertion order, so the first keys are the oldest answers.
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  }

  // Concurrent requests for one session share a single query.
  function ask(key: string, sessionId: string, userId: string): Promise<Entry> {
    let pending = inflight.get(key);
    if (!pending) {
      pending = lookUp(sessionId, userId).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  return {
    async isActive(identity) {
      if (identity.sessionId === null) return false;
      const key = `${identity.userId}\u0000${identity.sessionId}`;
      const t = now();
      const cached = cache.get(key);
      if (cached && t - cached.checkedAt < ttlMs) {
        // Refresh ahead: a session in use is asked about again before its answer expires, so its
        // requests never wait on the database. The answer served is still within the bound; if
        // the refresh fails, the entry expires on time and the next request asks (and fails
        // closed) itself.
        if (t - cached.checkedAt >= refreshAfterMs && !inflight.has(key)) {
          ask(key, identity.sessionId, identity.userId).then(
            (entry) => remember(key, entry),
            () => {},
          );
        }
        return cached.active && cached.expiresAt > t;
      }
      const entry = await ask(key, identity.sessionId, identity.userId);
      remember(key, entry);
      return entry.active;
    },
  };
}
