// Test-only helpers for the auth test files beside this one; production code never imports this.
import { randomBytes } from "node:crypto";
import { signToken } from "@tandem/testing";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";
import { expect } from "vitest";
import { PROBLEM_CONTENT_TYPE } from "../errors.ts";

export { type JwksBehaviour, type JwksServer, refusedUrl, startJwksServer } from "@tandem/testing";

/** An Ed25519 signing key standing in for the issuer's, for unit tests against a local JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function createSigningKey(kid = `key-${randomBytes(6).toString("hex")}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" } };
}

export function jwksOf(...keys: SigningKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

/** A token signed by `key` with `{ alg: "EdDSA", kid }` plus `header`, carrying exactly `claims`. */
export function signWith(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return signToken(key.privateKey, { header: { alg: "EdDSA", kid: key.kid, ...header }, payload: claims });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

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
