import type { TandemDb } from "@tandem/db";
import { createBoundedCache } from "./bounded-cache.ts";
import type { Identity } from "./identity.ts";

export { REFRESH_AHEAD_FRACTION } from "./bounded-cache.ts";

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
  /** Told of each lookup: a hit reused a cached answer, a miss asked the database (metrics). */
  onLookup?: (hit: boolean) => void;
}

export interface SessionCheck {
  /** True while the token's session exists, belongs to its subject and has not expired. */
  isActive(identity: Identity): Promise<boolean>;
}

export const DEFAULT_REVOCATION_CHECK_SECONDS = 5;

/**
 * Checks that a verified token's session (`sid`) is still live in Better Auth's `session`
 * table, with a small in-process cache so the check is not a query per request. A token without
 * `sid` is never active: Tandem's tokens always carry one.
 */
export function createSessionCheck(options: SessionCheckOptions): SessionCheck {
  const now = options.now ?? Date.now;
  // Session expiry (ms), 0 when there is no such session: a cached answer never outlives it.
  const cache = createBoundedCache<number>({
    ttlMs: (options.cacheSeconds ?? DEFAULT_REVOCATION_CHECK_SECONDS) * 1000,
    maxEntries: options.maxEntries ?? 10_000,
    now,
  });
  const { db } = options.database;

  async function expiryOf(sessionId: string, userId: string): Promise<number> {
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
    return row ? new Date(row.expiresAt).getTime() : 0;
  }

  return {
    async isActive(identity) {
      const { sessionId, userId } = identity;
      if (sessionId === null) return false;
      let asked = false;
      const expiresAt = await cache.get(`${userId}\u0000${sessionId}`, () => {
        asked = true;
        return expiryOf(sessionId, userId);
      });
      options.onLookup?.(!asked);
      return expiresAt > now();
    },
  };
}
