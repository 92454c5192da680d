import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { AUTH_ERROR_CODES } from "../error-codes.ts";

/** How recent the sign-in behind a sensitive change must be (decision 017). */
export const FRESH_SIGN_IN_SECONDS = 10 * 60;

/**
 * Changes that a stolen or forgotten session must not be able to make alone. The time that counts
 * is the session's creation — when its user last proved who they are — never its last refresh.
 */
export const FRESH_SIGN_IN_PATHS = new Set([
  "/two-factor/disable",
  "/passkey/delete-passkey",
  "/change-email",
  "/change-password",
  "/delete-user",
  "/access-tokens/create",
]);

/** Endpoints that end in a new session (or, with two-factor on, the step before it). */
const SIGN_IN_PATHS = new Set([
  "/sign-in/email",
  "/two-factor/verify-totp",
  "/two-factor/verify-backup-code",
  "/passkey/verify-authentication",
]);

function isSignIn(path: string): boolean {
  return SIGN_IN_PATHS.has(path) || path.startsWith("/callback/") || path.startsWith("/oauth2/callback/");
}

export function freshSignInRequired(): APIError {
  return new APIError("FORBIDDEN", {
    code: AUTH_ERROR_CODES.FRESH_SIGN_IN_REQUIRED,
    message: "Sign in again to make this change: your last sign-in was more than 10 minutes ago.",
  });
}

export function isFresh(createdAt: Date | string, now = Date.now()): boolean {
  return now - new Date(createdAt).getTime() <= FRESH_SIGN_IN_SECONDS * 1000;
}

/**
 * Step-up for sensitive changes, and a sign-in in a browser that already holds a session of the
 * same user (how a user confirms it is them) replaces that session instead of leaving it behind.
 */
export function freshSignInPlugin() {
  return {
    id: "tandem-fresh-sign-in",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path !== undefined && FRESH_SIGN_IN_PATHS.has(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const session = await getSessionFromCtx(ctx);
            if (session === null) return; // the endpoint itself answers 401
            if (!isFresh(session.session.createdAt)) throw freshSignInRequired();
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path !== undefined && isSignIn(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const cookieName = ctx.context.authCookies.sessionToken.name;
            const oldToken = await ctx.getSignedCookie(cookieName, ctx.context.secret);
            if (!oldToken) return;
            const newSession = ctx.context.newSession;
            const returned: unknown = ctx.context.returned;
            const awaitsSecondFactor =
              typeof returned === "object" && returned !== null && "twoFactorRedirect" in returned;
            if (newSession === null && !awaitsSecondFactor) return; // the sign-in failed
            if (newSession !== null && newSession.session.token === oldToken) return;
            const old = await ctx.context.internalAdapter.findSession(oldToken);
            if (old === null) return;
            // With two-factor on, the first step names its user only through the email it was given.
            const email = typeof ctx.body?.email === "string" ? ctx.body.email.trim().toLowerCase() : null;
            const sameUser =
              newSession !== null
                ? old.user.id === newSession.user.id
                : email !== null && old.user.email.toLowerCase() === email;
            if (sameUser) await ctx.context.internalAdapter.deleteSession(oldToken);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
