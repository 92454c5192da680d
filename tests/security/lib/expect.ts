// The answers the requirements demand, as assertions.
import { expect } from "vitest";
import type { HttpResponse } from "./http.ts";

/** Traces, file paths, SQL or driver errors: none may reach a client. */
const INTERNALS =
  /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|SqliteError|SQLITE_|relation "|no such table|syntax error at|ECONNREFUSED|stack/i;

/** An RFC 9457 problem with this status and code, and nothing internal in it. */
export function expectProblem(response: HttpResponse, status: number, code: string): Record<string, unknown> {
  expect(response.status, "status").toBe(status);
  expect(response.headers.get("content-type") ?? "", "content type").toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body, "problem body").toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
  });
  expect(response.text, "no internals in the body").not.toMatch(INTERNALS);
  return body;
}

/** 401 INVALID_TOKEN with an RFC 6750 `invalid_token` challenge. */
export function expectInvalidToken(response: HttpResponse): void {
  expectProblem(response, 401, "INVALID_TOKEN");
  expect(response.headers.get("www-authenticate") ?? "", "WWW-Authenticate").toMatch(
    /^Bearer realm="tandem", error="invalid_token", error_description="[^"]+"$/,
  );
}

/** 401 UNAUTHENTICATED with a bare `Bearer` challenge (RFC 6750 §3: no error code without credentials). */
export function expectUnauthenticated(response: HttpResponse): void {
  expectProblem(response, 401, "UNAUTHENTICATED");
  expect(response.headers.get("www-authenticate"), "WWW-Authenticate").toBe('Bearer realm="tandem"');
}

/** 503 AUTH_UNAVAILABLE with Retry-After: the API could not check the token and refused it. */
export function expectAuthUnavailable(response: HttpResponse): void {
  expectProblem(response, 503, "AUTH_UNAVAILABLE");
  expect(Number(response.headers.get("retry-after")), "Retry-After").toBeGreaterThan(0);
}

/** Polls `check` every `everyMs` until it returns true or `withinMs` passes; returns the time it took. */
export async function eventually(
  check: () => Promise<boolean>,
  { withinMs, everyMs = 250 }: { withinMs: number; everyMs?: number },
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
