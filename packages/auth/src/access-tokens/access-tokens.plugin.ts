import type { TandemDb } from "@tandem/db";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint, sessionMiddleware } from "better-auth/api";
import { z } from "zod";
import { ACCESS_TOKEN_ERROR_CODES } from "../error-codes.ts";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { parseNewAccessToken } from "./access-tokens.input.ts";
import { createAccessToken, listAccessTokens, revokeAccessToken } from "./access-tokens.queries.ts";

// Bodies are checked by hand (parseNewAccessToken), after the session: a schema here would answer
// a signed-out request with a bad body 400 instead of 401, and with Better Auth's generic code.
const anyBody = z.unknown();

function notFound(): APIError {
  return new APIError("NOT_FOUND", {
    code: ACCESS_TOKEN_ERROR_CODES.ACCESS_TOKEN_NOT_FOUND,
    message: "No such access token.",
  });
}

/**
 * Personal access tokens for scripts (decision 017): created, listed and revoked by the signed-in
 * user through their session cookie; the API backends verify them against the same table.
 *
 * A token is answered once, by `/access-tokens/create`; only its SHA-256 is stored. These
 * endpoints never accept a token as a credential: Better Auth reads sessions from the cookie only.
 * `/access-tokens/create` also needs a sign-in under 10 minutes old (fresh-sign-in.ts).
 */
export function accessTokensPlugin({
  database,
  changes,
}: {
  database: TandemDb;
  changes: RecordSignInMethodChange;
}) {
  return {
    id: "tandem-access-tokens",
    endpoints: {
      createAccessToken: createAuthEndpoint(
        "/access-tokens/create",
        { method: "POST", body: anyBody, use: [sessionMiddleware], requireHeaders: true },
        async (ctx) => {
          const { user } = ctx.context.session;
          const now = new Date();
          const input = parseNewAccessToken(ctx.body, now);
          const created = await createAccessToken(database, user.id, input, now);
          if (created === null) {
            throw new APIError("BAD_REQUEST", {
              code: ACCESS_TOKEN_ERROR_CODES.TOO_MANY_ACCESS_TOKENS,
              message: "You have 50 active access tokens, the most allowed. Revoke one first.",
            });
          }
          await changes(ctx, user, "access_token_created", created.accessToken.name);
          // Shown this once: nothing can answer the token again.
          ctx.setHeader("cache-control", "no-store");
          return ctx.json(created);
        },
      ),
      listAccessTokens: createAuthEndpoint(
        "/access-tokens/list",
        { method: "GET", use: [sessionMiddleware], requireHeaders: true },
        async (ctx) => ctx.json(await listAccessTokens(database, ctx.context.session.user.id, new Date())),
      ),
      revokeAccessToken: createAuthEndpoint(
        "/access-tokens/revoke",
        { method: "POST", body: anyBody, use: [sessionMiddleware], requireHeaders: true },
        async (ctx) => {
          const { user } = ctx.context.session;
          const id: unknown = (ctx.body as { id?: unknown } | undefined)?.id;
          if (typeof id !== "string" || id.length === 0 || id.length > 255) throw notFound();
          const revoked = await revokeAccessToken(database, user.id, id, new Date());
          if (revoked === null) throw notFound();
          if (revoked.changed) await changes(ctx, user, "access_token_revoked", revoked.accessToken.name);
          return ctx.json(revoked.accessToken);
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}
