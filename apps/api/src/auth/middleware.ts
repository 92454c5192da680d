import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../types.ts";
import { unauthenticated } from "./auth-problems.ts";
import type { SessionCheck } from "./session-check.ts";
import { InvalidTokenError, type Verifier } from "./verifier.ts";

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then the token.
const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * Requires `Authorization: Bearer <jwt>` and puts the verified identity on the context. A token
 * anywhere else (query string, cookie, body) is not looked at. Failures are thrown as they are;
 * `authProblem` (the app's `onError`) turns them into problems.
 */
export function requireAuth(verifier: Verifier, sessions: SessionCheck) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined || header.trim() === "") {
      throw unauthenticated("Send an access token in the Authorization header: Bearer <token>");
    }
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw unauthenticated("The Authorization header must use the Bearer scheme: Bearer <token>");
    }
    const identity = await verifier.verify(match[1]);
    // A valid signature is not enough: the session behind the token must still be live, so a
    // sign-out, revocation or account deletion reaches the API within the cache bound.
    if (!(await sessions.isActive(identity))) {
      throw new InvalidTokenError("The session behind this access token has ended");
    }
    c.set("identity", identity);
    await next();
  });
}
