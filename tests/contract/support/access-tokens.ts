// Personal access tokens for the contract tests (decision 017): created and revoked through the
// REAL Better Auth endpoints (`/api/auth/access-tokens/*`) of the file's auth server, as the
// settings page calls them, or written straight into the database for the states those endpoints
// cannot produce on demand (expired, read-only tokens in bulk).
import type { AccessTokenScope } from "@tandem/contracts";
import {
  type SeedAccessTokenInput,
  type SeededAccessToken,
  seedAccessToken,
  type TestUser,
} from "@tandem/testing";
import { post } from "@tandem/testing/auth-requests";
import { expect } from "vitest";
import { expectProblem } from "./problems.ts";
import type { Api } from "./server.ts";

/** The one detail of a refused token (unknown, expired, revoked, owner gone): no oracle. */
export const REFUSED_DETAIL = "The personal access token is unknown, expired or revoked";
/** A read-only token's write. */
export const READ_ONLY_DETAIL = "This personal access token is read-only: it cannot create, change or delete";

/** Creates a token as the user's browser would, right after signing in (a fresh sign-in). */
export async function createToken(
  h: Api,
  user: TestUser,
  scope: AccessTokenScope,
  name = "contract script",
): Promise<{ id: string; token: string }> {
  const answer = await post(
    h.auth,
    "/access-tokens/create",
    { name, scope, expiresInDays: 30 },
    { cookie: user.cookie },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const body = answer.body as { secret: string; accessToken: { id: string } };
  return { id: body.accessToken.id, token: body.secret };
}

/** Revokes a token as its owner does in the settings. */
export async function revokeToken(h: Api, user: TestUser, id: string): Promise<void> {
  const answer = await post(h.auth, "/access-tokens/revoke", { id }, { cookie: user.cookie });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

/** A token row written straight into the backend's database (see seedAccessToken). */
export function seedToken(
  h: Api,
  user: TestUser,
  input: Omit<SeedAccessTokenInput, "userId"> = {},
): Promise<SeededAccessToken> {
  return seedAccessToken(h.database, { userId: user.id, ...input });
}

/** 403 INSUFFICIENT_SCOPE with its RFC 6750 `insufficient_scope` challenge. */
export async function expectInsufficientScope(response: Response, label: string): Promise<void> {
  expect(response.status, `${label}: ${await response.clone().text()}`).toBe(403);
  expect(response.headers.get("www-authenticate"), label).toBe(
    `Bearer realm="tandem", error="insufficient_scope", error_description="${READ_ONLY_DETAIL}"`,
  );
  const problem = await expectProblem(response, 403, "INSUFFICIENT_SCOPE");
  expect(problem.detail, label).toBe(READ_ONLY_DETAIL);
}
