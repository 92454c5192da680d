import type { TandemDb } from "@tandem/db";
import type { BetterAuthOptions, GenericEndpointContext } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import type { ChangedAccount } from "../email/notices.ts";
import { verificationClaims } from "../email/account-email.ts";
import { AUTH_ERROR_CODES } from "../error-codes.ts";
import { bodyString, requestOrigin } from "../request-parts.ts";
import { type NewSecurityEvent, recordSecurityEvent } from "./events.ts";
import {
  clearFailures,
  emailKey,
  lockedUntil,
  passwordCheckKey,
  recordFailure,
  type ResolvedLockout,
} from "./lockout.ts";

/**
 * The lockout answer. 429 like Better Auth's own limiter, and the same for every email — known,
 * unknown, right or wrong password — so a lock reveals nothing about which accounts exist.
 */
export const ACCOUNT_LOCKED_CODE = AUTH_ERROR_CODES.ACCOUNT_LOCKED;

export function accountLockedMessage(lockSeconds: number): string {
  const minutes = Math.ceil(lockSeconds / 60);
  return lockSeconds % 60 === 0
    ? `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`
    : `Too many failed sign-ins. Try again in ${lockSeconds} seconds.`;
}

/**
 * The answer once a signed-in user has re-entered a wrong current password too often: a stolen
 * session must not be a way to guess the password at server speed.
 */
export const PASSWORD_CHECKS_LOCKED_CODE = AUTH_ERROR_CODES.TOO_MANY_PASSWORD_ATTEMPTS;

export function passwordChecksLockedMessage(lockSeconds: number): string {
  return accountLockedMessage(lockSeconds).replace("failed sign-ins", "wrong passwords");
}

/**
 * Routes where a signed-in user re-enters their current password. Better Auth's rate limiter only
 * sees HTTP requests, and the web app calls `/verify-password` server-side, so these share a
 * per-user lockout in the database instead.
 */
const PASSWORD_REENTRY = new Set(["/verify-password", "/change-password", "/delete-user"]);
const WRONG_PASSWORD_CODE = "INVALID_PASSWORD";

/** Better Auth's code for both an unknown email and a wrong password (one code, by design). */
const INVALID_CREDENTIALS_CODE = "INVALID_EMAIL_OR_PASSWORD";

const REVOCATIONS: Record<string, "session_revoked" | "sessions_revoked"> = {
  "/revoke-session": "session_revoked",
  "/revoke-session-by-id": "session_revoked",
  "/revoke-sessions": "sessions_revoked",
  "/revoke-other-sessions": "sessions_revoked",
};

interface SecurityHookOptions {
  database: TandemDb;
  secret: string;
  lockout: ResolvedLockout;
  /** Called once an email change has been written, with the address it replaced. */
  onEmailChanged?: ((account: ChangedAccount, oldEmail: string) => void) | undefined;
  /** Told when a failure engages a lock (for metrics), whether or not the account exists. */
  onLockout?: (() => void) | undefined;
}

/**
 * Better Auth `hooks` and `databaseHooks` for the account lockout and the security history.
 * Spread into the options; `databaseHooks` must be merged if another module adds some.
 */
export function securityHooks({ database, secret, lockout, onEmailChanged, onLockout }: SecurityHookOptions) {
  const { db } = database;

  // An event must never turn a completed action into an error: log the failure and go on.
  async function record(
    ctx: { context: { logger: { error: (message: string, ...args: unknown[]) => void } } },
    event: NewSecurityEvent,
  ) {
    try {
      await recordSecurityEvent(db, event);
    } catch (error) {
      ctx.context.logger.error(`Could not record the security event ${event.type}`, error);
    }
  }

  function locked(code: string, message: string, until: Date, now: Date): APIError {
    return new APIError(
      "TOO_MANY_REQUESTS",
      { code, message },
      { "Retry-After": String(Math.ceil((until.getTime() - now.getTime()) / 1000)) },
    );
  }

  const before = createAuthMiddleware(async (ctx) => {
    if (ctx.path !== undefined && PASSWORD_REENTRY.has(ctx.path)) {
      const session = await getSessionFromCtx(ctx);
      if (session === null) return; // the endpoint itself answers 401
      const now = new Date();
      const until = await lockedUntil(db, passwordCheckKey(secret, session.user.id), now);
      if (until === null) return;
      throw locked(PASSWORD_CHECKS_LOCKED_CODE, passwordChecksLockedMessage(lockout.lockSeconds), until, now);
    }
    if (ctx.path !== "/sign-in/email") return;
    const email = bodyString(ctx.body, "email");
    if (email === undefined) return;
    const now = new Date();
    const until = await lockedUntil(db, emailKey(secret, email), now);
    if (until === null) return;
    // Refused before Better Auth looks at the password, so even the right one fails until then.
    throw locked(ACCOUNT_LOCKED_CODE, accountLockedMessage(lockout.lockSeconds), until, now);
  });

  const after = createAuthMiddleware(async (ctx) => {
    const returned = ctx.context.returned;
    const failed = isAPIError(returned);

    if (ctx.path === "/sign-in/email") {
      const email = bodyString(ctx.body, "email");
      if (email === undefined) return;
      const key = emailKey(secret, email);
      // A success is recorded once the sign-in is complete (sign-in-records.plugin.ts): with
      // two-factor on, the right password alone is only its first step.
      if (!failed || returned.body?.code !== INVALID_CREDENTIALS_CODE) return;
      const now = new Date();
      const lockedNow = await recordFailure(db, key, now, lockout);
      if (lockedNow) onLockout?.();
      // Events belong to accounts: failures on unknown emails are counted, never recorded.
      const found = await ctx.context.internalAdapter.findUserByEmail(email.trim().toLowerCase());
      if (found === null) return;
      const from = requestOrigin(ctx);
      await record(ctx, { userId: found.user.id, type: "sign_in_failed", ...from, at: now });
      // One millisecond later at least, so the lock sorts after the failure that caused it.
      const lockedAt = new Date(Math.max(Date.now(), now.getTime() + 1));
      if (lockedNow) await record(ctx, { userId: found.user.id, type: "lockout", ...from, at: lockedAt });
      return;
    }

    if (ctx.path === "/sign-up/email" && !failed) {
      // With verification required there is no session yet: the answer names the new user.
      const created = ctx.context.newSession?.user ?? createdUser(returned);
      // Dated when the account was created, so it sorts before what sign-up did (the verification mail).
      const at = created?.createdAt === undefined ? undefined : new Date(created.createdAt);
      if (created !== undefined) {
        await record(ctx, {
          userId: created.id,
          type: "sign_up",
          ...requestOrigin(ctx),
          ...(at ? { at } : {}),
        });
      }
      return;
    }

    const userId = ctx.context.session?.user.id;
    if (userId === undefined) return;
    if (ctx.path !== undefined && PASSWORD_REENTRY.has(ctx.path)) {
      const key = passwordCheckKey(secret, userId);
      if (!failed) await clearFailures(db, key);
      else if (returned.body?.code === WRONG_PASSWORD_CODE) {
        const lockedNow = await recordFailure(db, key, new Date(), lockout);
        if (lockedNow) onLockout?.();
        if (lockedNow) await record(ctx, { userId, type: "lockout", ...requestOrigin(ctx) });
      }
    }
    if (failed) return;
    if (ctx.path === "/change-password") {
      await record(ctx, { userId, type: "password_changed", ...requestOrigin(ctx) });
      return;
    }
    const revocation = ctx.path === undefined ? undefined : REVOCATIONS[ctx.path];
    if (revocation !== undefined) await record(ctx, { userId, type: revocation, ...requestOrigin(ctx) });
  });

  // Email changes are caught at the database, whichever route makes them (`/change-email`
  // directly, or `/verify-email` when a change awaits confirmation). The update's data is only
  // visible before it and the user's id only after it; the endpoint context links the two.
  // The old address is the signed-in user's (a change without confirmation) or the one the
  // confirmation link was issued for (`/verify-email`, possibly in a browser without a session).
  const emailChanging = new WeakMap<GenericEndpointContext, string | null>();
  const databaseHooks = {
    user: {
      update: {
        before: async (data, context) => {
          if (context === null || typeof data.email !== "string") return;
          const token = typeof context.query?.token === "string" ? context.query.token : undefined;
          const confirmed = context.path === "/verify-email" && token !== undefined;
          const oldEmail =
            context.context.session?.user.email ?? (token ? verificationClaims(token).email : undefined);
          emailChanging.set(context, oldEmail ?? null);
          // Following the link sent to the new address proves it: the new address is verified.
          if (confirmed) return { data: { ...data, emailVerified: true } };
        },
        after: async (user, context) => {
          if (context === null || !emailChanging.has(context)) return;
          const oldEmail = emailChanging.get(context);
          emailChanging.delete(context);
          await record(context, { userId: user.id, type: "email_changed", ...requestOrigin(context) });
          if (oldEmail && oldEmail.toLowerCase() !== user.email.toLowerCase())
            onEmailChanged?.(user, oldEmail);
        },
      },
    },
  } satisfies BetterAuthOptions["databaseHooks"];

  return { hooks: { before, after }, databaseHooks };
}

function createdUser(returned: unknown): { id: string; createdAt?: Date | string } | undefined {
  if (typeof returned !== "object" || returned === null || !("user" in returned)) return undefined;
  const user: unknown = returned.user;
  if (typeof user !== "object" || user === null || !("id" in user) || typeof user.id !== "string")
    return undefined;
  const createdAt = "createdAt" in user ? user.createdAt : undefined;
  return createdAt instanceof Date || typeof createdAt === "string"
    ? { id: user.id, createdAt }
    : { id: user.id };
}
