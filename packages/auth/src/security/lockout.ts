import { createHmac } from "node:crypto";
import type { Database } from "@tandem/db";
import type { Kysely } from "kysely";

/** Per-account lockout thresholds (AuthConfig.lockout). */
export interface LockoutConfig {
  /** Failed password sign-ins for one email that trigger the lock (default 10). */
  maxFailures?: number;
  /** How long failures count, from the first one in the window (default 900 = 15 min). */
  windowSeconds?: number;
  /** How long the lock lasts (default 900 = 15 min). */
  lockSeconds?: number;
}

export type ResolvedLockout = Required<LockoutConfig>;

export const DEFAULT_LOCKOUT: ResolvedLockout = {
  maxFailures: 10,
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
};

export function resolveLockout(config: LockoutConfig = {}): ResolvedLockout {
  const resolved = { ...DEFAULT_LOCKOUT, ...config };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`lockout.${name} must be a positive integer`);
  }
  return resolved;
}

/**
 * The row key for an email: HMAC-SHA256 under the auth secret of the trimmed, lower-cased address
 * (Better Auth looks users up lower-cased too). Keyed, so the table cannot be reversed by hashing
 * a list of addresses; changing the secret merely resets the counters.
 */
export function emailKey(secret: string, email: string): string {
  return createHmac("sha256", secret).update(`sign-in-failure:${email.trim().toLowerCase()}`).digest("hex");
}

/**
 * The row key for a signed-in user's password re-entries (change password, delete account,
 * verify password): same table and thresholds as sign-ins, a separate counter per user id.
 */
export function passwordCheckKey(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(`password-check:${userId}`).digest("hex");
}

/** When the lock on this key ends, if it is locked at `now`. */
export async function lockedUntil(db: Kysely<Database>, key: string, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom("sign_in_failure")
    .select("locked_until")
    .where("email_hash", "=", key)
    .executeTakeFirst();
  if (row?.locked_until == null) return null;
  const until = new Date(row.locked_until);
  return until > now ? until : null;
}

/**
 * Counts one failed sign-in and returns true when this failure engaged the lock. Each step is one
 * atomic statement (upsert, then a conditional update), so concurrent failures are all counted and
 * exactly one of them reports the lock.
 */
export async function recordFailure(
  db: Kysely<Database>,
  key: string,
  now: Date,
  config: ResolvedLockout,
): Promise<boolean> {
  const at = now.toISOString();
  const windowOpenedAfter = new Date(now.getTime() - config.windowSeconds * 1000).toISOString();
  await db
    .insertInto("sign_in_failure")
    .values({ email_hash: key, failure_count: 1, window_start: at, locked_until: null })
    .onConflict((oc) =>
      oc.column("email_hash").doUpdateSet((eb) => {
        // A window older than windowSeconds starts afresh with this failure.
        const stale = eb("sign_in_failure.window_start", "<=", windowOpenedAfter);
        return {
          failure_count: eb
            .case()
            .when(stale)
            .then(1)
            .else(eb("sign_in_failure.failure_count", "+", 1))
            .end(),
          window_start: eb.case().when(stale).then(at).else(eb.ref("sign_in_failure.window_start")).end(),
        };
      }),
    )
    .execute();
  // Lock and reset the count, so that after the lock the account gets a full allowance again.
  const locked = await db
    .updateTable("sign_in_failure")
    .set({
      locked_until: new Date(now.getTime() + config.lockSeconds * 1000).toISOString(),
      failure_count: 0,
      window_start: at,
    })
    .where("email_hash", "=", key)
    .where("failure_count", ">=", config.maxFailures)
    .executeTakeFirst();
  // Rows whose window and lock are both over mean nothing any more (the next failure would start
  // afresh): dropping them keeps the table as small as the recent attempts, however many unknown
  // emails a spray tries.
  await db
    .deleteFrom("sign_in_failure")
    .where("window_start", "<=", windowOpenedAfter)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", at)]))
    .execute();
  return locked.numUpdatedRows > 0n;
}

/** A successful sign-in outside a lock forgets the failures. */
export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom("sign_in_failure").where("email_hash", "=", key).execute();
}
