// A stand-in for the issuer's signing key, for unit tests of token verification against a local
// key set (see jwks-server.ts).
import { randomBytes } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";
import { signToken } from "./tokens.ts";

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

/** The key set publishing `keys`' public halves. */
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

/** The current time as a JWT `iat`/`exp` value. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
