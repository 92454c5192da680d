import { createHmac } from "node:crypto";
import type { TandemDb } from "@tandem/db";
import { APIError } from "better-auth/api";
import { AUTH_ERROR_CODES } from "../error-codes.ts";
import { lockedUntil, recordFailure, type ResolvedLockout } from "../security/lockout.ts";

/** What an email may be sent for on request, each with its own per-address allowance. */
export type MailRequestKind = "password-reset" | "verification";

/**
 * Per-address allowance for mail a client can ask for: 3 per hour, whatever address is asked
 * for, known or not. Reuses the lockout's counter table (an HMAC-keyed count in a window, then a
 * lock), so the limit holds across web instances and restarts and stores no address.
 */
export const MAIL_REQUEST_LIMIT: ResolvedLockout = { maxFailures: 3, windowSeconds: 3600, lockSeconds: 3600 };

function mailRequestKey(secret: string, kind: MailRequestKind, email: string): string {
  return createHmac("sha256", secret)
    .update(`mail-request:${kind}:${email.trim().toLowerCase()}`)
    .digest("hex");
}

function minutes(seconds: number): string {
  const value = Math.max(1, Math.ceil(seconds / 60));
  return `${value} minute${value === 1 ? "" : "s"}`;
}

/**
 * Counts one request for mail to `email` and throws 429 TOO_MANY_EMAILS (with Retry-After) once
 * the allowance is used up. The answer is the same for addresses with and without an account.
 */
export async function takeMailAllowance(
  database: TandemDb,
  secret: string,
  kind: MailRequestKind,
  email: string,
  limit: ResolvedLockout = MAIL_REQUEST_LIMIT,
): Promise<void> {
  const key = mailRequestKey(secret, kind, email);
  const now = new Date();
  const until = await lockedUntil(database.db, key, now);
  if (until !== null) {
    const wait = Math.ceil((until.getTime() - now.getTime()) / 1000);
    throw new APIError(
      "TOO_MANY_REQUESTS",
      {
        code: AUTH_ERROR_CODES.TOO_MANY_EMAILS,
        message: `Too many emails asked for this address. Try again in ${minutes(wait)}.`,
      },
      { "Retry-After": String(wait) },
    );
  }
  await recordFailure(database.db, key, now, limit);
}
