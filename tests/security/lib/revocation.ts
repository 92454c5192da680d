// The revocation bound, measured over HTTP: a JWT issued before a session ended must be refused
// by the API within AUTH_REVOCATION_CHECK_SECONDS (docs/security.md, decision 004).
import { expect } from "vitest";
import { expectInvalidToken } from "./expect.ts";
import type { SecurityStack } from "./stack.ts";

/** The API's default AUTH_REVOCATION_CHECK_SECONDS, which the stacks keep. */
export const BOUND_MS = 5_000;
/** Scheduling and request time on a busy 2-core machine, on top of the bound. */
export const MARGIN_MS = 2_500;

/**
 * Polls `GET /api/me` with `token` from `since` until it is refused, and asserts it was refused by
 * the bound + margin. Every answer before must be 200; the refusal must be 401 invalid_token.
 */
export async function refusedWithinBound(s: SecurityStack, token: string, since: number): Promise<number> {
  for (;;) {
    const response = await s.api("/api/me", { token });
    const elapsed = Date.now() - since;
    if (response.status !== 200) {
      expectInvalidToken(response);
      expect(elapsed, "refused within the revocation bound").toBeLessThanOrEqual(BOUND_MS + MARGIN_MS);
      return elapsed;
    }
    expect(elapsed, "still accepted after the revocation bound").toBeLessThanOrEqual(BOUND_MS + MARGIN_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The token works now, so the API has a positive answer cached: the worst case for the bound. */
export async function expectAcceptedNow(s: SecurityStack, token: string) {
  const response = await s.api("/api/me", { token });
  expect(response.status).toBe(200);
}
