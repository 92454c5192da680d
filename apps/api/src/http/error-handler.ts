import { isDatabaseUnavailable } from "@tandem/db";
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { authProblem, KEY_SET_RETRY_AFTER_SECONDS } from "../auth/auth-problems.ts";
import { ApiError, problemResponse } from "../errors.ts";
import { InvalidCursorError, TaskNotFoundError } from "../tasks/tasks.errors.ts";
import { MembershipStoreUnavailableError } from "../teams/team-access.ts";
import type { AppEnv } from "../types.ts";
import { requestLogger } from "./middleware.ts";

/**
 * Any error thrown below a route, as the problem the client gets: catalogued `ApiError`s as they
 * are, domain errors by their meaning, anything else a logged 500 that tells nothing.
 */
export function problemFor(error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof TaskNotFoundError) return new ApiError("TASK_NOT_FOUND");
  if (error instanceof InvalidCursorError) return new ApiError("INVALID_CURSOR", { detail: error.message });
  if (error instanceof MembershipStoreUnavailableError) {
    // Fail closed: a membership that cannot be read grants nothing.
    logger.error({ err: error.message }, "team membership store unavailable");
    return new ApiError("SERVICE_UNAVAILABLE", {
      detail: "Your team membership cannot be checked right now; retry shortly",
      headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
    });
  }
  const auth = authProblem(error, logger);
  if (auth !== undefined) return auth;
  if (isDatabaseUnavailable(error)) {
    // PostgreSQL restarting or unreachable: the client should come back, not report a bug.
    logger.error({ err: error instanceof Error ? error.message : String(error) }, "database unavailable");
    return new ApiError("SERVICE_UNAVAILABLE", {
      detail: "The database cannot be reached right now; retry shortly",
      headers: { "Retry-After": String(KEY_SET_RETRY_AFTER_SECONDS) },
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own client errors (e.g. a malformed URL) keep their status but use our shape.
    return new ApiError(error.status === 404 ? "NOT_FOUND" : "VALIDATION_FAILED");
  }
  logger.error({ err: serializeError(error) }, "unhandled error");
  return new ApiError("INTERNAL_ERROR");
}

/** The app's one `onError`: every failure leaves as RFC 9457 problem+json. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const problem = problemFor(error, requestLogger(c));
  c.set("problem", problem.code);
  return problemResponse(c, problem);
};

function serializeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { type: error.name, message: error.message, stack: error.stack };
  return { message: String(error) };
}
