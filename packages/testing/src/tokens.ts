// Crafted tokens for attack tests. Signing builds the JWS by hand instead of going through jose's
// SignJWT/CompactSign, because those refuse exactly what attackers send: an `alg` that does not
// match the key (alg confusion), `crit` naming unknown or absent parameters, no `alg` at all.
import { randomBytes } from "node:crypto";
import {
  base64url,
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
} from "jose";

export { base64url };

export interface AttackerKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** A random key id, set in `publicJwk` and `jwks`; put it in tokens' `kid` yourself. */
  kid: string;
  /** The public key as a JWK with `kid`, `alg: "EdDSA"` and `use: "sig"` (for `jwk` headers). */
  publicJwk: JWK;
  /** `{ keys: [publicJwk] }`: what a rogue JWKS endpoint (for `jku`/`x5u` attacks) would serve. */
  jwks: { keys: JWK[] };
  /** The RFC 7638 thumbprint of the public key. */
  thumbprint: string;
}

/** A fresh Ed25519 key pair that no Tandem server trusts. */
export async function createAttackerKeys(): Promise<AttackerKeys> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `attacker-${randomBytes(6).toString("hex")}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  return {
    privateKey,
    publicKey,
    kid,
    publicJwk,
    jwks: { keys: [publicJwk] },
    thumbprint: await calculateJwkThumbprint(publicJwk),
  };
}

export type TokenPart = Record<string, unknown> | string | Uint8Array;

export interface TokenParts {
  /** The protected header, emitted exactly as given: nothing is added or checked. */
  header: TokenPart;
  /** Claims (object → JSON) or raw payload bytes/string. */
  payload: TokenPart;
}

/** base64url of JSON for objects, of the bytes/text otherwise. */
export function encodePart(part: TokenPart): string {
  return base64url.encode(
    typeof part === "string" || part instanceof Uint8Array ? part : JSON.stringify(part),
  );
}

/** `header.payload`, the bytes a JWS signature covers. */
export function signingInput({ header, payload }: TokenParts): string {
  return `${encodePart(header)}.${encodePart(payload)}`;
}

/**
 * A compact JWS over the given header and payload, signed with `key` whatever the header says.
 * Ed25519 keys (createAttackerKeys) and HMAC keys (importHmacKey, for alg-confusion tests) work.
 *
 * @example
 * const token = await signToken(keys.privateKey, {
 *   header: { alg: "EdDSA", kid: server.kid, jwk: keys.publicJwk },
 *   payload: { sub: "victim", sid: "x", name: "Eve", iss, aud, iat: now, exp: now + 60 },
 * });
 */
export async function signToken(key: CryptoKey, parts: TokenParts): Promise<string> {
  const name = key.algorithm.name;
  if (name !== "Ed25519" && name !== "HMAC") throw new Error(`signToken: unsupported key algorithm ${name}`);
  const input = signingInput(parts);
  const signature = await crypto.subtle.sign(name, key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

/** An HMAC-SHA256 key from raw bytes, e.g. the server's public key bytes for HS256 confusion. */
export function importHmacKey(secret: Uint8Array | string): Promise<CryptoKey> {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** An unsigned token (`header.payload.`, empty signature), e.g. with `{ alg: "none" }`. */
export function unsignedToken(parts: TokenParts): string {
  return `${signingInput(parts)}.`;
}

export interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
}

/** Splits a compact JWS and parses its header and payload, without verifying anything. */
export function decodeToken(token: string): DecodedToken {
  const [header, payload, signature, ...rest] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    throw new Error("decodeToken: not a compact JWS (three dot-separated parts)");
  }
  return { header: parseObject(header), payload: parseObject(payload), signature };
}

/**
 * The token with its header and/or payload replaced or amended, keeping the original signature,
 * which therefore no longer matches.
 *
 * @example tamperToken(alice.token, { payload: { sub: bob.id } })
 */
export function tamperToken(
  token: string,
  changes: { header?: Record<string, unknown>; payload?: Record<string, unknown>; signature?: string },
): string {
  const decoded = decodeToken(token);
  const header = { ...decoded.header, ...changes.header };
  const payload = { ...decoded.payload, ...changes.payload };
  return `${signingInput({ header, payload })}.${changes.signature ?? decoded.signature}`;
}

function parseObject(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(part)));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("decodeToken: header and payload must be JSON objects");
  }
  return value as Record<string, unknown>;
}
