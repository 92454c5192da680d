import { ERROR_CODES, type ErrorCode, type FieldError, parseProblem } from "@tandem/contracts/client";

// The errors the API client reports: the API's refusals (problem+json), no answer at all, and the
// end of the session. The UI tells them apart to choose between a message and the outage banner.

/** The API refused the request: its RFC 9457 problem, typed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: ErrorCode;
    title?: string;
    detail?: string;
    errors?: FieldError[];
    requestId?: string;
  }) {
    const title = init.title ?? ERROR_CODES[init.code].title;
    super(init.detail ?? title);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.title = title;
    this.detail = init.detail;
    this.fieldErrors = init.errors ?? [];
    this.requestId = init.requestId;
  }

  /** The message for one body field (`title`, `dueAt`…), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.path === `body.${field}` || e.path === field)?.message;
  }
}

/** The request never got an answer: network down, DNS, CORS refusal or timeout. */
export class ApiUnreachableError extends Error {
  constructor(service: "api" | "auth", options?: { cause?: unknown }) {
    super(service === "api" ? "Can't reach the task service" : "Can't reach the sign-in service", options);
    this.name = "ApiUnreachableError";
  }
}

/** The session behind the token is gone (signed out, expired or revoked): sign in again. */
export class SessionEndedError extends Error {
  constructor() {
    super("Your session has ended");
    this.name = "SessionEndedError";
  }
}

/** True for failures worth a "try again in a moment" banner rather than a message about the input. */
export function isServiceProblem(error: unknown): boolean {
  return error instanceof ApiUnreachableError || (error instanceof ApiError && error.status >= 500);
}

/** The typed error for a non-2xx answer: the API's problem+json, or a generic one for anything else. */
export async function toApiError(response: Response): Promise<ApiError> {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    const p = parseProblem(await response.json().catch(() => null));
    if (p !== null) {
      return new ApiError({
        status: response.status,
        code: p.code,
        title: p.title,
        ...(p.detail === undefined ? {} : { detail: p.detail }),
        ...(p.errors === undefined ? {} : { errors: p.errors }),
        ...(p.requestId === undefined ? {} : { requestId: p.requestId }),
      });
    }
  }
  // Not our problem+json: a proxy's error page or a gateway timeout.
  return new ApiError({ status: response.status, code: codeForStatus(response.status) });
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c].status === status);
  if (status >= 502) return "SERVICE_UNAVAILABLE";
  return match ?? (status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_FAILED");
}
