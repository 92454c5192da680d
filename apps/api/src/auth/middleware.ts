import { createMiddleware } from "hono/factory";
import { requestLogger } from "../http/middleware.ts";
import { requestHeader } from "../http/node-headers.ts";
import type { AppEnv } from "../types.ts";
import { type AccessTokenCheck, isPersonalAccessToken } from "./access-token.ts";
import { insufficientScope, unauthenticated } from "./auth-problems.ts";
import type { Identity } from "./identity.ts";
import type { SessionCheck } from "./session-check.ts";
import { InvalidTokenError, type Verifier } from "./verifier.ts";

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then the token.
const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * The methods a read-only personal access token may use. Anything else counts as a write, whatever
 * a method-override header or parameter says (the API honours none).
 */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A read-only token may only read: 403 INSUFFICIENT_SCOPE for any other method. */
export function checkScope(identity: Identity, method: string): void {
  const { credential } = identity;
  if (credential.kind === "access_token" && credential.scope === "read" && !READ_METHODS.has(method)) {
    throw insufficientScope();
  }
}

/**
 * Requires `Authorization: Bearer <token>` and puts the verified identity on the context. The token
 * is either a JWT from the web app (its session must still be live) or a personal access token
 * (`tandem_pat_…`, checked against the database). A token anywhere else (query string, cookie,
 * body) is not looked at. Failures are thrown as they are; `authProblem` (the app's `onError`)
 * turns them into problems.
 */
export function requireAuth(verifier: Verifier, sessions: SessionCheck, accessTokens: AccessTokenCheck) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = requestHeader(c, "authorization");
    if (header === undefined || header.trim() === "") {
      throw unauthenticated("Send an access token in the Authorization header: Bearer <token>");
    }
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw unauthenticated("The Authorization header must use the Bearer scheme: Bearer <token>");
    }
    const token = match[1];
    let identity: Identity;
    if (isPersonalAccessToken(token)) {
      identity = await accessTokens.verify(token, {
        userAgent: requestHeader(c, "user-agent") ?? null,
        logger: requestLogger(c),
      });
    } else {
      identity = await verifier.verify(token);
      // A valid signature is not enough: the session behind the token must still be live, so a
      // sign-out, revocation or account deletion reaches the API within the cache bound.
      if (!(await sessions.isActive(identity))) {
        throw new InvalidTokenError("The session behind this access token has ended");
      }
    }
    c.set("identity", identity);
    checkScope(identity, c.req.method);
    await next();
  });
}
