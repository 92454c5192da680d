// The rules and constants of the contracts, without zod: the zod schemas (the API's source of
// truth) are built from them, and so are the browser's light checks (client.ts), which must not
// ship zod (its weight in the page's JavaScript: docs/decisions/007).

export const PRIORITIES = ["low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TASK_STATUSES = ["all", "active", "completed"] as const;
export const TASK_SORTS = ["created", "due", "priority", "title"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskSort = (typeof TASK_SORTS)[number];
export type SortOrder = "asc" | "desc";

/** The order each sort uses when `order` is not given: newest first, soonest due, highest priority, A→Z. */
export const DEFAULT_ORDER: Record<TaskSort, SortOrder> = {
  created: "desc",
  due: "asc",
  priority: "desc",
  title: "asc",
};

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const SEARCH_MAX = 200;

// Control characters (Unicode category Cc: C0, DEL and C1). Titles are one line, so they refuse
// all of them; descriptions keep tab and line breaks. NUL is refused everywhere: Postgres cannot
// store it in text at all, and SQLite would truncate it in some clients, so the two databases
// would disagree.
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Length in Unicode code points, so an emoji counts once, not twice. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

export interface TextKind {
  min: number;
  max: number;
  singleLine: boolean;
  label: string;
}

export const TITLE: TextKind = { min: 1, max: TITLE_MAX, singleLine: true, label: "Title" };
export const DESCRIPTION: TextKind = {
  min: 0,
  max: DESCRIPTION_MAX,
  singleLine: false,
  label: "Description",
};
export const SEARCH: TextKind = { min: 0, max: SEARCH_MAX, singleLine: true, label: "Search" };

export interface Rule<T> {
  test: (value: T) => boolean;
  message: string;
}

/** What trimmed text of a kind must satisfy, in the order the problems are reported. */
export function textRules(kind: TextKind): Rule<string>[] {
  return [
    { test: (s) => s.isWellFormed(), message: `${kind.label} contains an unpaired surrogate` },
    {
      test: (s) => !(kind.singleLine ? ANY_CONTROL : CONTROL_EXCEPT_WHITESPACE).test(s),
      message: `${kind.label} contains a control character`,
    },
    {
      test: (s) => codePointLength(s) >= kind.min,
      message: kind.min === 1 ? `${kind.label} must not be empty` : `${kind.label} is too short`,
    },
    {
      test: (s) => codePointLength(s) <= kind.max,
      message: `${kind.label} must be at most ${kind.max} characters`,
    },
  ];
}

/**
 * An instant (already a valid ISO 8601 date-time) must fall in the years 0001–9999 in UTC: year 0
 * and five-digit years have no plain ISO 8601 form (`toISOString` gives `+010000-…`), Postgres
 * refuses them and SQLite would sort them wrongly.
 */
export const INSTANT_RANGE: Rule<string> = {
  test: (s) => {
    const year = new Date(s).getUTCFullYear();
    return year >= 1 && year <= 9999;
  },
  message: "Must fall between the years 0001 and 9999 in UTC",
};

/**
 * Every error Tandem's API can answer with. The code is stable and machine-readable; the
 * title is the human summary used in the problem+json body (RFC 9457).
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  INVALID_TOKEN: { status: 401, title: "Invalid access token" },
  AUTH_UNAVAILABLE: { status: 503, title: "Token verification temporarily unavailable" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  INSUFFICIENT_SCOPE: { status: 403, title: "Access token scope too narrow" },
  STEP_UP_REQUIRED: { status: 403, title: "A recent sign-in is required" },
  NOT_FOUND: { status: 404, title: "Not found" },
  TASK_NOT_FOUND: { status: 404, title: "Task not found" },
  TEAM_NOT_FOUND: { status: 404, title: "Team not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  VALIDATION_FAILED: { status: 400, title: "Validation failed" },
  INVALID_JSON: { status: 400, title: "Malformed JSON body" },
  INVALID_CURSOR: { status: 400, title: "Invalid pagination cursor" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Request body too large" },
  HEADERS_TOO_LARGE: { status: 431, title: "Request header fields too large" },
  MALFORMED_REQUEST: { status: 400, title: "Malformed HTTP request" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
  INTERNAL_ERROR: { status: 500, title: "Internal server error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The `type` URI for an error code, e.g. `urn:tandem:problem:task-not-found`. */
export function problemType(code: ErrorCode): string {
  return `urn:tandem:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}
