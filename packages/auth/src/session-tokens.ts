import type { BetterAuthPlugin } from "better-auth";
import {
  APIError,
  createAuthEndpoint,
  createAuthMiddleware,
  isAPIError,
  sessionMiddleware,
} from "better-auth/api";
import { z } from "zod";

/**
 * The session token stays in its HttpOnly cookie (docs/decisions/013).
 *
 * Better Auth returns the session token in JSON too: `token` from sign-up and sign-in,
 * `session.token` from get-session, `[].token` from list-sessions. Any script in the page could
 * read it with one fetch, which makes HttpOnly moot, and the token is the key of the session
 * table, so it is a credential. This plugin takes it out of every JSON answer (the jwt plugin's
 * endpoints, whose `token` is a short-lived API JWT, keep theirs), and offers
 * revocation by session id — the `sid` the API tokens carry — instead of by token.
 */
export function sessionTokensStayInCookies() {
  return {
    id: "tandem-session-tokens",
    hooks: {
      after: [
        {
          // Path-less endpoints are server-only (never answered over HTTP), like the jwt plugin's signJWT.
          matcher: (ctx) => ctx.path !== undefined && !JWT_PATHS.has(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const returned: unknown = ctx.context.returned;
            if (returned instanceof Response || isAPIError(returned) || !carriesSessionToken(returned))
              return;
            // list-sessions answers an array; ctx.json sends any JSON value as is, whatever its type says.
            return ctx.json(withoutSessionTokens(returned) as Record<string, unknown>);
          }),
        },
      ],
    },
    endpoints: {
      revokeSessionById: createAuthEndpoint(
        "/revoke-session-by-id",
        {
          method: "POST",
          body: z.object({ sessionId: z.string().min(1).max(255) }),
          use: [sessionMiddleware],
          requireHeaders: true,
        },
        async (ctx) => {
          const { sessionId } = ctx.body;
          // Only the caller's own sessions are looked at: another user's id is as unknown as a
          // made-up one, and answers the same.
          const own = await ctx.context.internalAdapter.listSessions(ctx.context.session.user.id);
          const target = own.find((session) => session.id === sessionId);
          if (target === undefined) {
            throw new APIError("NOT_FOUND", { message: "No such session", code: "SESSION_NOT_FOUND" });
          }
          await ctx.context.internalAdapter.deleteSession(target.token);
          return ctx.json({ status: true });
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}

/** The jwt plugin's HTTP endpoint whose `token` is a signed API JWT, never a session token. */
const JWT_PATHS = new Set(["/token"]);

/** Token-based revocation is refused over HTTP: a browser never holds a session token now. */
export const TOKEN_REVOCATION_PATHS = ["/revoke-session"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function omitToken(value: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, ...rest } = value;
  return rest;
}

function carriesSessionToken(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => isRecord(item) && "token" in item);
  return isRecord(value) && ("token" in value || (isRecord(value.session) && "token" in value.session));
}

/** Sign-up/sign-in bodies, `{ session, user }`, and session lists, without their tokens. */
function withoutSessionTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (isRecord(item) ? omitToken(item) : item));
  if (!isRecord(value)) return value;
  const rest = omitToken(value);
  if (isRecord(rest.session)) rest.session = omitToken(rest.session);
  return rest;
}
