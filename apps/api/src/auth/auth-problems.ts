import { isForeignKeyViolation } from "@tandem/db";
import type { Logger } from "pino";
import { ApiError } from "../errors.ts";
import { AccessTokenStoreUnavailableError } from "./access-token.ts";
import { SessionStoreUnavailableError } from "./session-check.ts";
import { InvalidTokenError, KeySetUnavailableError } from "./verifier.ts";

export const REALM = "tandem";
/** Seconds a client should wait before retrying when the key set is unreachable. */
export const KEY_SET_RETRY_AFTER_SECONDS = 5;

function challenge(error?: { code: string; description: string }): string {
  if (!error) return `Bearer realm="${REALM}"`;
  return `Bearer realm="${REALM}", error="${error.code}", error_description="${error.description}"`;
}

/** 401 UNAUTHENTICATED with the bare RFC 6750 challenge: no usable credentials were sent. */
export function unauthenticated(detail: string): ApiError {
  return new ApiError("UNAUTHENTICATED", { detail, headers: { "WWW-Authenticate": challenge() } });
}

/** 401 INVALID_TOKEN with its RFC 6750 challenge; `detail` is safe to show (it never echoes the token). */
function invalidToken(detail: string): ApiError {
  return new ApiError("INVALID_TOKEN", {
    detail,
    headers: { "WWW-Authenticate": challenge({ code: "invalid_token", description: detail }) },
  });
}

/**
 * 403 INSUFFICIENT_SCOPE with its RFC 6750 challenge: a read-only personal access token was sent
 * with a method that writes.
 */
export function insufficientScope(): ApiError {
  const detail = "This personal access token is read-only: it cannot create, change or delete";
  return new ApiError("INSUFFICIENT_SCOPE", {
    detail,
    headers: { "WWW-Authenticate": challenge({ code: "insufficient_scope", description: detail }) },
  });
}

/**
 * The one translation of an authentication failure into its problem: a refused token, an
 * unreachable key set or session store, or an account deleted while its token was still valid.
 * Undefined when `error` is not about authentication.
 */
export function authProblem(error: unknown, logger: Logger): ApiError | undefined {
  if (error instanceof InvalidTokenError) return invalidToken(error.message);
  if (error instanceof SessionStoreUnavailableError) {
    logger.error({ err: error.message }, "session store unavailable");
    return new ApiError("SERVICE_UNAVAILABLE", {
      detail: "Your session cannot be checked right now; retry shortly",
      headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
    });
  }
  if (error instanceof AccessTokenStoreUnavailableError) {
    logger.error({ err: error.message }, "access-token store unavailable");
    return new ApiError("SERVICE_UNAVAILABLE", {
      detail: "Your access token cannot be checked right now; retry shortly",
      headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
    });
  }
  if (error instanceof KeySetUnavailableError) {
    logger.warn({ err: error.message }, "token key set unavailable");
    return new ApiError("AUTH_UNAVAILABLE", {
      detail: "The access token cannot be checked right now; retry shortly",
      headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
    });
  }
  if (isForeignKeyViolation(error)) {
    // A personal task's user_id → user: the caller's account was deleted while its token was
    // still cached as valid. That is an ended session, not a server fault. (Team task writes
    // answer their own foreign-key failures: team-tasks.queries.ts.)
    return invalidToken("The account behind this access token no longer exists");
  }
  return undefined;
}
