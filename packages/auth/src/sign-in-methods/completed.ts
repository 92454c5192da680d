import { isAPIError } from "better-auth/api";

/** Endpoints whose success signs a user in (with two-factor on, `/sign-in/email` only starts it). */
const SIGN_IN_ENDS = new Set([
  "/sign-in/email",
  "/two-factor/verify-totp",
  "/two-factor/verify-backup-code",
  "/passkey/verify-authentication",
]);

export function endsSignIn(path: string | undefined): boolean {
  return (
    path !== undefined &&
    (SIGN_IN_ENDS.has(path) || path.startsWith("/callback/") || path.startsWith("/oauth2/callback/"))
  );
}

interface SignInHookContext {
  path?: string | undefined;
  context: {
    returned?: unknown;
    newSession: { user: { id: string; name: string; email: string } } | null;
  };
}

/**
 * The user an after-hook's request has just signed in, or null: the request failed, or it only
 * passed the password step of a two-factor sign-in (the two-factor plugin then clears the new
 * session, so hooks that run after it see none). Provider callbacks end in a redirect (302).
 */
export function completedSignIn(ctx: SignInHookContext): { id: string; name: string; email: string } | null {
  if (!endsSignIn(ctx.path)) return null;
  const session = ctx.context.newSession;
  if (session === null) return null;
  const returned = ctx.context.returned;
  if (isAPIError(returned) && returned.statusCode !== 302) return null;
  return session.user;
}
