import type { TandemDb } from "@tandem/db";
import type { BetterAuthPlugin, GenericEndpointContext } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { bodyString, requestOrigin } from "../request-parts.ts";
import { recordSecurityEvent } from "../security/events.ts";
import {
  ACCOUNT_LOCKED_CODE,
  accountLockedMessage,
  PASSWORD_CHECKS_LOCKED_CODE,
  passwordChecksLockedMessage,
} from "../security/hooks.ts";
import {
  clearFailures,
  emailKey,
  lockedUntil,
  passwordCheckKey,
  recordFailure,
  type ResolvedLockout,
} from "../security/lockout.ts";
import type { ChangedUser, RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { FRESH_SIGN_IN_PATHS, freshSignInRequired, isFresh } from "../sign-in-methods/fresh-sign-in.ts";
import {
  backupCodesLeft,
  claimStep,
  findTwoFactor,
  isBackupCode,
  type StepClaim,
  totpStep,
} from "./codes.ts";

const VERIFY_TOTP = "/two-factor/verify-totp";
const VERIFY_BACKUP_CODE = "/two-factor/verify-backup-code";
const DISABLE = "/two-factor/disable";
const REGENERATE = "/two-factor/generate-backup-codes";
const TOTP_URI = "/two-factor/get-totp-uri";

/**
 * Changes that Better Auth guards with the password alone and Tandem also with a current code:
 * turning two-factor off, replacing the backup codes, reading the authenticator secret again.
 */
const NEEDS_CODE = new Set([DISABLE, REGENERATE, TOTP_URI]);
/** Endpoints that check the account password: wrong ones count like other password re-entries. */
const CHECKS_PASSWORD = new Set(["/two-factor/enable", ...NEEDS_CODE]);
/** Better Auth's answers to a wrong code or password, which count toward the lockouts. */
const WRONG_SECRET = new Set(["INVALID_CODE", "INVALID_BACKUP_CODE", "INVALID_PASSWORD"]);

/**
 * Who is verifying a code, and how: finishing a sign-in, or signed in already; and the time step
 * their authenticator code claimed, if it did.
 */
type Attempt = { claim?: StepClaim } & (
  | { mode: "sign-in"; user: ChangedUser }
  | {
      mode: "session";
      user: ChangedUser;
      twoFactorWasOn: boolean;
      session: { amr?: unknown; createdAt: Date };
    }
);

export interface TwoFactorRulesOptions {
  database: TandemDb;
  secret: string;
  lockout: ResolvedLockout;
  changes: RecordSignInMethodChange;
}

function invalidCode(status: "BAD_REQUEST" | "UNAUTHORIZED"): APIError {
  return new APIError(status, {
    code: "INVALID_CODE",
    message: "Enter a current code from your authenticator app, or one of your backup codes.",
  });
}

function lockedError(code: string, message: string, until: Date): APIError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new APIError("TOO_MANY_REQUESTS", { code, message }, { "Retry-After": String(seconds) });
}

/**
 * Tandem's rules around Better Auth's twoFactor plugin (decision 017): a code besides the password
 * for the changes in NEEDS_CODE, each authenticator code accepted once, wrong codes counted toward
 * the account lockout (while signing in) or the password re-entry lockout (while signed in), and
 * the history entries and notices. Registered right after the twoFactor plugin.
 */
export function twoFactorRulesPlugin({ database, secret, lockout, changes }: TwoFactorRulesOptions) {
  const { db } = database;
  // The before hook learns who is verifying; the after hook of the same request needs it.
  const attempts = new WeakMap<object, Attempt>();

  /** The user a pending two-factor sign-in belongs to, from its signed cookie. */
  async function pendingSignIn(ctx: GenericEndpointContext): Promise<ChangedUser | null> {
    const cookie = ctx.context.createAuthCookie("two_factor");
    const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
    if (!identifier) return null;
    const pending = await ctx.context.internalAdapter.findVerificationValue(identifier);
    if (pending === null || pending.expiresAt < new Date()) return null;
    return ctx.context.internalAdapter.findUserById(pending.value);
  }

  async function record(
    ctx: GenericEndpointContext,
    userId: string,
    type: "sign_in_failed" | "lockout",
    detail: string | null,
    at = new Date(),
  ) {
    try {
      await recordSecurityEvent(db, { userId, type, ...requestOrigin(ctx), detail, at });
    } catch (error) {
      ctx.context.logger.error(`Could not record the security event ${type}`, error);
    }
  }

  /** A wrong code during sign-in counts like a wrong password for that account's email. */
  async function signInFailed(ctx: GenericEndpointContext, user: ChangedUser, what: string): Promise<void> {
    const now = new Date();
    const lockedNow = await recordFailure(db, emailKey(secret, user.email), now, lockout);
    await record(ctx, user.id, "sign_in_failed", what, now);
    if (lockedNow) await record(ctx, user.id, "lockout", null, new Date(now.getTime() + 1));
  }

  /** A wrong code or password while signed in counts like any other password re-entry. */
  async function reentryFailed(ctx: GenericEndpointContext, user: ChangedUser): Promise<void> {
    const lockedNow = await recordFailure(db, passwordCheckKey(secret, user.id), new Date(), lockout);
    if (lockedNow) await record(ctx, user.id, "lockout", null);
  }

  const before = createAuthMiddleware(async (ctx) => {
    const path = ctx.path;
    const session = await getSessionFromCtx(ctx);
    if (session === null) {
      if (path !== VERIFY_TOTP && path !== VERIFY_BACKUP_CODE) return; // the endpoint answers 401
      const user = await pendingSignIn(ctx);
      if (user === null) return; // Better Auth answers INVALID_TWO_FACTOR_COOKIE
      const until = await lockedUntil(db, emailKey(secret, user.email), new Date());
      if (until !== null)
        throw lockedError(ACCOUNT_LOCKED_CODE, accountLockedMessage(lockout.lockSeconds), until);
      const attempt: Attempt = { mode: "sign-in", user };
      attempts.set(ctx.context, attempt);
      if (path === VERIFY_TOTP && !(await claimCode(ctx, attempt))) {
        await signInFailed(ctx, user, "authentication code used already");
        throw invalidCode("UNAUTHORIZED");
      }
      return;
    }

    const user = session.user;
    if (FRESH_SIGN_IN_PATHS.has(path) && !isFresh(session.session.createdAt)) throw freshSignInRequired();
    const until = await lockedUntil(db, passwordCheckKey(secret, user.id), new Date());
    if (until !== null) {
      throw lockedError(PASSWORD_CHECKS_LOCKED_CODE, passwordChecksLockedMessage(lockout.lockSeconds), until);
    }
    const twoFactorWasOn = (user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled === true;
    const attempt: Attempt = { mode: "session", user, twoFactorWasOn, session: session.session };
    attempts.set(ctx.context, attempt);
    if (path === VERIFY_TOTP && !(await claimCode(ctx, attempt))) {
      await reentryFailed(ctx, user);
      throw invalidCode("UNAUTHORIZED");
    }
    if (!NEEDS_CODE.has(path)) return;
    if (!twoFactorWasOn) {
      throw new APIError("BAD_REQUEST", { code: "TWO_FACTOR_NOT_ENABLED", message: "Two-factor isn't on." });
    }
    const code = bodyString(ctx.body, "code")?.trim() ?? "";
    if (!(await currentCode(ctx, attempt, code, path !== TOTP_URI))) {
      await reentryFailed(ctx, user);
      throw invalidCode("BAD_REQUEST");
    }
  });

  /**
   * False only for an authenticator code of a time step used already. A wrong code passes, for
   * Better Auth's own check to refuse and count.
   */
  async function claimCode(ctx: GenericEndpointContext, attempt: Attempt): Promise<boolean> {
    const code = bodyString(ctx.body, "code") ?? "";
    const row = await findTwoFactor(ctx, attempt.user.id);
    const step = row === null ? null : await totpStep(ctx, row, code);
    if (step === null) return true;
    const claim = await claimStep(ctx, attempt.user.id, step);
    if (claim !== null) attempt.claim = claim;
    return claim !== null;
  }

  /** A current authenticator code (used once), or where allowed an unused backup code. */
  async function currentCode(ctx: GenericEndpointContext, attempt: Attempt, code: string, backup: boolean) {
    const row = await findTwoFactor(ctx, attempt.user.id);
    if (row === null || code === "") return false;
    const step = await totpStep(ctx, row, code);
    if (step !== null) {
      const claim = await claimStep(ctx, attempt.user.id, step);
      if (claim !== null) attempt.claim = claim;
      return claim !== null;
    }
    // Turning two-factor off or replacing the codes discards every backup code anyway.
    return backup && isBackupCode(ctx, row, code);
  }

  /**
   * Enabling and disabling make Better Auth replace the session; the new one keeps how and when
   * the user signed in (the tokens' amr and auth_time, the step-up rule), which did not change.
   */
  async function keepSignIn(ctx: GenericEndpointContext, old: { amr?: unknown; createdAt: Date }) {
    const replaced = ctx.context.newSession;
    if (replaced === null) return;
    await ctx.context.internalAdapter.updateSession(replaced.session.token, {
      amr: old.amr ?? null,
      createdAt: new Date(old.createdAt),
    });
  }

  const after = createAuthMiddleware(async (ctx) => {
    const attempt = attempts.get(ctx.context);
    if (attempt === undefined) return;
    attempts.delete(ctx.context);
    const returned = ctx.context.returned;
    const path = ctx.path;
    if (isAPIError(returned)) {
      const code = typeof returned.body?.code === "string" ? returned.body.code : "";
      // A right code sent with a wrong password stays spent; one refused for any other reason (a
      // code step ended by too many attempts, say) may be entered again.
      if (code !== "INVALID_PASSWORD") await attempt.claim?.release();
      if (!WRONG_SECRET.has(code)) return;
      if (attempt.mode === "session") return reentryFailed(ctx, attempt.user);
      return signInFailed(
        ctx,
        attempt.user,
        path === VERIFY_TOTP ? "wrong authentication code" : "wrong backup code",
      );
    }
    const { user } = attempt;
    if (attempt.mode === "session" && CHECKS_PASSWORD.has(path)) {
      await clearFailures(db, passwordCheckKey(secret, user.id));
    }
    if (path === VERIFY_TOTP && attempt.mode === "session" && !attempt.twoFactorWasOn) {
      await keepSignIn(ctx, attempt.session);
      // Better Auth replaced the session to turn two-factor on; nobody signed in. The plugins
      // after this one react to a new session as to a sign-in (history entry, new-device notice).
      ctx.context.setNewSession(null);
      await changes(ctx, user, "two_factor_enabled");
    } else if (path === VERIFY_BACKUP_CODE) {
      const left = await backupCodesLeft(ctx, user.id);
      await changes(ctx, user, "backup_code_used", `${left} backup code${left === 1 ? "" : "s"} left`);
    } else if (path === DISABLE && attempt.mode === "session") {
      await keepSignIn(ctx, attempt.session);
      await changes(ctx, user, "two_factor_disabled");
    } else if (path === REGENERATE) {
      await changes(ctx, user, "backup_codes_regenerated");
    }
  });

  return {
    id: "tandem-two-factor-rules",
    hooks: {
      before: [{ matcher: (ctx) => ctx.path?.startsWith("/two-factor/") === true, handler: before }],
      after: [{ matcher: (ctx) => ctx.path?.startsWith("/two-factor/") === true, handler: after }],
    },
  } satisfies BetterAuthPlugin;
}
