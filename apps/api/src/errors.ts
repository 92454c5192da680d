import { ERROR_CODES, type ErrorCode, type FieldError, type Problem, problemType } from "@tandem/contracts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An error with a catalogued code; `onError` turns it into problem+json. Throw it from
 * anywhere below a route; never build error responses by hand.
 *
 * @example
 * throw new ApiError("TASK_NOT_FOUND");
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    options: {
      detail?: string;
      errors?: FieldError[];
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(options.detail ?? ERROR_CODES[code].title, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The RFC 9457 body for an error, with the request's id so a user report can be matched to logs. */
export function problemBody(c: Context, error: ApiError): Problem {
  const requestId = c.get("requestId");
  return {
    type: problemType(error.code),
    title: ERROR_CODES[error.code].title,
    status: error.status,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    instance: c.req.path,
    code: error.code,
    ...(requestId ? { requestId } : {}),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
}

export function problemResponse(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header("Content-Type", PROBLEM_CONTENT_TYPE);
  return c.body(JSON.stringify(problemBody(c, error)), error.status);
}
