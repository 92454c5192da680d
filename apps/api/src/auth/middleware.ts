import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { type SessionCheck, SessionStoreUnavailableError } from "./session-check.ts";
import { InvalidTokenError, KeySetUnavailableError, type Verifier } from "./verifier.ts";

export const REALM = "tandem";
/** Seconds a client should wait before retrying when the key set is unreachable. */
export const KEY_SET_RETRY_AFTER_SECONDS = 5;

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then the token.
const BEARER = /^Bearer +(\S+)\s*$/i;

/** 401 INVALID_TOKEN with its RFC 6750 challenge; `detail` is safe to show (it never echoes the token). */
export function invalidTokenError(detail: string): ApiError {
  return new ApiError("INVALID_TOKEN", {
    detail,
    headers: { "WWW-Authenticate": challenge({ code: "invalid_token", description: detail }) },
  });
}

function challenge(error?: { code: string; description: string }): string {
  if (!error) return `Bearer realm="${REALM}"`;
  return `Bearer realm="${REALM}", error="${error.code}", error_description="${error.description}"`;
}

/**
 * Requires `Authorization: Bearer <jwt>` and puts the verified identity on the context. A token
 * anywhere else (query string, cookie, body) is not looked at.
 */
export function requireAuth(verifier: Verifier, sessions: SessionCheck) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (header === undefined || header.trim() === "") {
      throw new ApiError("UNAUTHENTICATED", {
        detail: "Send an access token in the Authorization header: Bearer <token>",
        headers: { "WWW-Authenticate": challenge() },
      });
    }
    const match = BEARER.exec(header);
    if (!match?.[1]) {
      throw new ApiError("UNAUTHENTICATED", {
        detail: "The Authorization header must use the Bearer scheme: Bearer <token>",
        headers: { "WWW-Authenticate": challenge() },
      });
    }
    try {
      const identity = await verifier.verify(match[1]);
      // A valid signature is not enough: the session behind the token must still be live, so a
      // sign-out, revocation or account deletion reaches the API within the cache bound.
      if (!(await sessions.isActive(identity))) {
        throw new InvalidTokenError("The session behind this access token has ended");
      }
      c.set("identity", identity);
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) {
        c.get("logger").error({ err: error.message }, "session store unavailable");
        throw new ApiError("SERVICE_UNAVAILABLE", {
          detail: "Your session cannot be checked right now; retry shortly",
          headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
        });
      }
      if (error instanceof KeySetUnavailableError) {
        c.get("logger").warn({ err: error.message }, "token key set unavailable");
        throw new ApiError("AUTH_UNAVAILABLE", {
          detail: "The access token cannot be checked right now; retry shortly",
          headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
        });
      }
      if (error instanceof InvalidTokenError) {
        throw invalidTokenError(error.message);
      }
      throw error;
    }
    await next();
  });
}
