// Helpers for the API's auth tests: the shared signing-key and key-set stand-ins, and what the
// API's refusals look like on the wire.
import { expect } from "vitest";
import { PROBLEM_CONTENT_TYPE } from "../src/errors.ts";

export {
  createSigningKey,
  type JwksBehaviour,
  type JwksServer,
  jwksOf,
  nowSeconds,
  refusedUrl,
  type SigningKey,
  signWith,
  startJwksServer,
} from "@tandem/testing";

async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  return (await response.json()) as Record<string, unknown>;
}

/** A token was sent and refused: 401, `error="invalid_token"` challenge, code INVALID_TOKEN. */
export async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status, await response.clone().text()).toBe(401);
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge.startsWith('Bearer realm="tandem"')).toBe(true);
  expect(challenge).toContain('error="invalid_token"');
  expect(await problem(response)).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
}

/** The key set is unreachable: 503 with `Retry-After`, code AUTH_UNAVAILABLE — not 2xx, not 401. */
export async function expectAuthUnavailable(response: Response): Promise<void> {
  expect(response.status, await response.clone().text()).toBe(503);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(response.headers.get("www-authenticate")).toBeNull();
  expect(await problem(response)).toMatchObject({ status: 503, code: "AUTH_UNAVAILABLE" });
}
