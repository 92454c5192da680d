import * as z from "zod";

/**
 * Every error Tandem's API can answer with. The code is stable and machine-readable; the
 * title is the human summary used in the problem+json body (RFC 9457).
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  INVALID_TOKEN: { status: 401, title: "Invalid access token" },
  AUTH_UNAVAILABLE: { status: 503, title: "Token verification temporarily unavailable" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  NOT_FOUND: { status: 404, title: "Not found" },
  TASK_NOT_FOUND: { status: 404, title: "Task not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  VALIDATION_FAILED: { status: 400, title: "Validation failed" },
  INVALID_JSON: { status: 400, title: "Malformed JSON body" },
  INVALID_CURSOR: { status: 400, title: "Invalid pagination cursor" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Request body too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
  INTERNAL_ERROR: { status: 500, title: "Internal server error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** One invalid field of a request, as reported in `errors` of a VALIDATION_FAILED problem. */
export const FieldErrorSchema = z.object({
  path: z.string().describe("Where the problem is: `body.title`, `query.limit`…"),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** The one error shape of the API: RFC 9457 problem details plus a stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().describe("A URI naming the problem type"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe("The request path"),
    code: ErrorCodeSchema,
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof ProblemSchema>;

/** The `type` URI for an error code, e.g. `urn:tandem:problem:task-not-found`. */
export function problemType(code: ErrorCode): string {
  return `urn:tandem:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}
