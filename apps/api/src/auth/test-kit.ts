// Test-only helpers for the auth test files beside this one; production code never imports this.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signToken } from "@tandem/testing";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";
import { expect } from "vitest";
import type { ApiHarness } from "../../test/api-harness.ts";
import { PROBLEM_CONTENT_TYPE } from "../errors.ts";

/** What a local JWKS endpoint does with each request. */
export type JwksBehaviour =
  | { kind: "json"; body: unknown; status?: number }
  | { kind: "raw"; body: string; status?: number; contentType?: string }
  /** Forwards to a real JWKS (e.g. Better Auth's) and relays its answer. */
  | { kind: "proxy"; upstream: string }
  /** Waits, then behaves as `then`. */
  | { kind: "delay"; ms: number; then: JwksBehaviour }
  /** Never answers. */
  | { kind: "hang" }
  /** Sends status and headers, then never sends the body. */
  | { kind: "stall-body" }
  /** Drops the connection (like a crashed server). */
  | { kind: "reset" }
  | { kind: "redirect"; location: string };

/** A JWKS endpoint on 127.0.0.1 whose behaviour a test controls, counting every request. */
export interface JwksServer {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  behave(behaviour: JwksBehaviour): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server: Server = createServer((req, res) => {
    requests += 1;
    const answer = async (b: JwksBehaviour): Promise<void> => {
      switch (b.kind) {
        case "json":
          res.writeHead(b.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(b.body));
          return;
        case "raw":
          res.writeHead(b.status ?? 200, { "content-type": b.contentType ?? "text/plain" }).end(b.body);
          return;
        case "proxy": {
          const upstream = await fetch(b.upstream);
          const body = await upstream.text();
          res.writeHead(upstream.status, { "content-type": "application/json" }).end(body);
          return;
        }
        case "delay":
          await wait(b.ms);
          if (!res.destroyed) await answer(b.then);
          return;
        case "hang":
          return;
        case "stall-body":
          res.writeHead(200, { "content-type": "application/json", "content-length": "4096" });
          res.write('{"keys":[');
          return;
        case "reset":
          req.socket.destroy();
          return;
        case "redirect":
          res.writeHead(302, { location: b.location }).end();
          return;
      }
    };
    answer(behaviour).catch(() => req.socket.destroy());
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    get requests() {
      return requests;
    },
    behave(next) {
      behaviour = next;
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** A URL on which nothing listens (connection refused): the endpoint is down. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

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

/** The real Better Auth key (its kid and public `x`); call after a sign-up so the key exists. */
export async function realKey(h: ApiHarness): Promise<{ kid: string; x: string }> {
  const response = await fetch(h.auth.jwksUrl);
  const { keys } = (await response.json()) as { keys: { kid: string; x: string }[] };
  const key = keys[0];
  if (key === undefined) throw new Error("Better Auth published no key yet");
  return key;
}

/**
 * A token signed by the REAL Better Auth key through its server-only `signJWT` endpoint. The payload
 * is signed as given (no `iat` unless present; `exp` defaults to 15 min); `jwt` overrides issuer,
 * audience or lifetime (when absent, Tandem's configured issuer and audience apply).
 */
export async function mintReal(
  h: ApiHarness,
  payload: Record<string, unknown>,
  jwt?: { issuer?: string; audience?: string | string[]; expirationTime?: string },
): Promise<string> {
  const { token } = await h.auth.auth.api.signJWT({
    body: { payload, ...(jwt === undefined ? {} : { overrideOptions: { jwt } }) },
  });
  return token;
}

async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  return (await response.json()) as Record<string, unknown>;
}

/** No usable credentials: 401, a bare Bearer challenge (no `error=`), code UNAUTHENTICATED. */
export async function expectUnauthenticated(response: Response): Promise<void> {
  expect(response.status, await response.clone().text()).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tandem"');
  expect(await problem(response)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
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
