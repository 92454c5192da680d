// What every backend's errors look like on the wire: RFC 9457 problem+json with a catalogued
// `code`, no internals, and for authentication failures the RFC 6750 challenge.
import { type ErrorCode, type Problem, ProblemSchema, problemType } from "@tandem/contracts";
import { expect } from "vitest";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM = /^application\/problem\+json/;

// Text that only a leaked stack trace, driver message or SQL statement would contain.
const INTERNALS = [
  /\n\s+at /,
  /Traceback|File ".*", line \d+/,
  /node_modules|site-packages/,
  /\.(ts|py):\d+/,
  /\bselect\b.+\bfrom\b/i,
  /\binsert into\b/i,
  /\bupdate\b.+\bset\b/i,
  /\bdelete from\b/i,
  /sqlite/i,
  /postgres|psycopg/i,
  /kysely|sqlalchemy|pydantic/i,
  /SyntaxError|TypeError|RangeError|ZodError|ValueError|KeyError|RecursionError/,
];

/**
 * Asserts an RFC 9457 problem+json answer with this status and code and no internals in it, and
 * returns its body.
 */
export async function expectProblem(response: Response, status: number, code: ErrorCode): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(PROBLEM);
  for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);
  const problem = ProblemSchema.parse(JSON.parse(text));
  expect(problem).toMatchObject({ type: problemType(code), status, code });
  expect(problem.title).not.toBe("");
  return problem;
}

/** A problem body without the parts that differ per request (its id and its path). */
export function comparableProblem(problem: Problem): Omit<Problem, "requestId" | "instance"> {
  const { requestId: _requestId, instance: _instance, ...rest } = problem;
  return rest;
}

// Headers that differ between two otherwise identical answers: the request id, the clock, and the
// caller's own remaining quota.
const PER_REQUEST_HEADERS = new Set(["x-request-id", "date", "ratelimit-remaining", "ratelimit-reset"]);

/** Response headers except the per-request ones, for comparing two answers. */
export function comparableHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_REQUEST_HEADERS.has(name)) headers[name] = value;
  });
  return headers;
}

/** No usable credentials: 401, a bare Bearer challenge (no `error=`), code UNAUTHENTICATED. */
export async function expectUnauthenticated(response: Response): Promise<void> {
  expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tandem"');
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  await expectProblem(response, 401, "UNAUTHENTICATED");
}

/** A token was sent and refused: 401, `error="invalid_token"` challenge, code INVALID_TOKEN. */
export async function expectInvalidToken(response: Response): Promise<Problem> {
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge.startsWith('Bearer realm="tandem"'), challenge).toBe(true);
  expect(challenge).toContain('error="invalid_token"');
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  return expectProblem(response, 401, "INVALID_TOKEN");
}
