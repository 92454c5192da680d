import { testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { DEFAULT_REVOCATION_CHECK_SECONDS } from "./session-check.ts";
import {
  createSigningKey,
  expectInvalidToken,
  type JwksServer,
  jwksOf,
  nowSeconds,
  type SigningKey,
  signWith,
  startJwksServer,
} from "../../test/auth-kit.ts";
import { createTokenCache, type TokenCache } from "./token-cache.ts";
import { type Identity, SESSION_CREDENTIAL } from "./identity.ts";
import { createVerifier, InvalidTokenError, type Verifier } from "./verifier.ts";

// A verified token is not verified again until it expires. The cache must stay bounded,
// never outlive a token's exp, never remember a refused token, and leave revocation as it was.

const identity = (userId: string): Identity => ({
  userId,
  sessionId: "s",
  name: null,
  expiresAt: 0,
  amr: [],
  authTime: null,
  credential: SESSION_CREDENTIAL,
});

describe("createTokenCache", () => {
  it("keeps at most maxEntries tokens, dropping the least recently used first", () => {
    const cache = createTokenCache({ maxEntries: 2 });
    const until = Date.now() + 60_000;
    cache.set("token-a", identity("a"), until);
    cache.set("token-b", identity("b"), until);
    expect(cache.get("token-a")?.userId).toBe("a"); // a is now the most recently used
    cache.set("token-c", identity("c"), until);
    expect(cache.size).toBe(2);
    expect(cache.get("token-b")).toBeUndefined();
    expect(cache.get("token-a")?.userId).toBe("a");
    expect(cache.get("token-c")?.userId).toBe("c");
  });

  it("answers until validUntil and not from that millisecond on", () => {
    let clock = 1_000_000;
    const cache = createTokenCache({ now: () => clock });
    cache.set("token", identity("a"), 1_005_000);
    clock = 1_004_999;
    expect(cache.get("token")?.userId).toBe("a");
    clock = 1_005_000;
    expect(cache.get("token")).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped, not kept around
  });

  it("does not store an entry that is already past its validity", () => {
    const cache = createTokenCache({ now: () => 5_000 });
    cache.set("token", identity("a"), 5_000);
    expect(cache.size).toBe(0);
    expect(cache.get("token")).toBeUndefined();
  });

  it("tells tokens apart by their whole text", () => {
    const cache = createTokenCache();
    cache.set("aaa.bbb.ccc", identity("a"), Date.now() + 60_000);
    expect(cache.get("aaa.bbb.ccd")).toBeUndefined();
    expect(cache.get("aaa.bbb.cc")).toBeUndefined();
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => createTokenCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createTokenCache({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe("createVerifier with a token cache", () => {
  const ISSUER = "https://auth.tandem.test";
  const AUDIENCE = "tandem-api";
  let jwks: JwksServer;
  let trusted: SigningKey;
  let clock: number;
  let cache: TokenCache;
  let verifier: Verifier;
  const claims = (extra: Record<string, unknown> = {}) => {
    const now = nowSeconds();
    return {
      sub: "user-1",
      sid: "session-1",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 600,
      ...extra,
    };
  };
  const make = (maxTokenAgeSeconds?: number) =>
    createVerifier({
      jwks: { url: jwks.url, timeoutMs: 1000 },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      tokenCache: cache,
      ...(maxTokenAgeSeconds === undefined ? {} : { maxTokenAgeSeconds }),
    });
  beforeEach(async () => {
    trusted = await createSigningKey();
    jwks = await startJwksServer({ kind: "json", body: jwksOf(trusted) });
    clock = Date.now();
    cache = createTokenCache({ now: () => clock });
    verifier = make();
  });
  afterEach(() => jwks.close());

  it("control: a second presentation of a verified token is answered from the cache", async () => {
    const token = await signWith(trusted, claims());
    const first = await verifier.verify(token);
    expect(first).toMatchObject({ userId: "user-1", sessionId: "session-1" });
    expect(cache.size).toBe(1);
    // The very same (frozen) identity comes back: the signature was not checked again.
    expect(await verifier.verify(token)).toBe(cache.get(token));
  });

  it("keeps an entry until the token's exp, not a millisecond longer", async () => {
    const c = claims();
    const token = await signWith(trusted, c);
    await verifier.verify(token);
    clock = c.exp * 1000 - 1;
    expect(cache.get(token)).toBeDefined();
    clock = c.exp * 1000;
    expect(cache.get(token)).toBeUndefined();
  });

  it("keeps an entry no longer than the maximum token age when that comes before exp", async () => {
    verifier = make(120);
    const c = claims({ iat: nowSeconds() - 100 });
    const token = await signWith(trusted, c);
    await verifier.verify(token);
    clock = (c.iat + 120) * 1000 - 1;
    expect(cache.get(token)).toBeDefined();
    clock = (c.iat + 120) * 1000;
    expect(cache.get(token)).toBeUndefined();
  });

  it("does not cache a token accepted only through the clock tolerance (already past exp)", async () => {
    const token = await signWith(trusted, claims({ iat: nowSeconds() - 60, exp: nowSeconds() - 5 }));
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: "user-1" });
    expect(cache.size).toBe(0);
  });

  it.each([
    ["a bad signature", async () => `${(await signWith(trusted, claims())).slice(0, -4)}AAAA`],
    ["the wrong audience", () => signWith(trusted, claims({ aud: "someone-else" }))],
    ["the wrong issuer", () => signWith(trusted, claims({ iss: "https://evil.test" }))],
    ["an expired exp", () => signWith(trusted, claims({ iat: nowSeconds() - 900, exp: nowSeconds() - 600 }))],
    ["no sub", () => signWith(trusted, claims({ sub: undefined }))],
  ])("never caches a refused token (%s): each presentation is refused again", async (_label, mint) => {
    const token = await mint();
    for (let i = 0; i < 2; i++) {
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
      expect(cache.size).toBe(0);
      expect(cache.get(token)).toBeUndefined();
    }
  });

  it("a cached token does not vouch for a tampered copy of it", async () => {
    const token = await signWith(trusted, claims());
    await verifier.verify(token);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify(claims({ sub: "admin" }))).toString("base64url")}.${signature}`;
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(cache.size).toBe(1);
  });
  it("drops cached tokens of a key that left the key set, at the set's next refresh", async () => {
    // A key set older than 50 ms is refreshed on use: the cache must not hide a revoked key.
    verifier = createVerifier({
      jwks: { url: jwks.url, timeoutMs: 1000, maxAgeMs: 50 },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      tokenCache: cache,
    });
    const token = await signWith(trusted, claims());
    await verifier.verify(token);
    expect(cache.size).toBe(1);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    // Control: a refresh that still lists the key keeps the cached answer.
    await sleep(80);
    await verifier.verify(token);
    await sleep(30);
    expect(await verifier.verify(token)).toBe(cache.get(token));

    jwks.behave({ kind: "json", body: jwksOf(await createSigningKey()) });
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) {
      await sleep(50);
      refused = await verifier.verify(token).then(
        () => false,
        (error: unknown) => error instanceof InvalidTokenError,
      );
    }
    expect(refused).toBe(true);
  });
});

describe.each(testDialects())("token cache and revocation through the API (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  it("a cached token of a signed-out session is refused within the unchanged bound (5 s)", async () => {
    let clock = Date.now();
    const cache = createTokenCache();
    h = await createApiHarness(dialect, { now: () => clock, tokenCache: cache });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    expect(cache.size).toBe(1);
    await h.auth.signOut(user.cookie);
    clock += DEFAULT_REVOCATION_CHECK_SECONDS * 1000 - 100;
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    clock += 100;
    await expectInvalidToken(await h.request("GET", "/api/me", { token: user.token }));
    expect(cache.size).toBe(1); // still verified, but its session has ended: refused all the same
  });

  it("with the check on every request, a cached token is refused right after sign-out", async () => {
    const cache = createTokenCache();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0, tokenCache: cache });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/tasks", { token: user.token })).status).toBe(200);
    await h.auth.signOut(user.cookie);
    await expectInvalidToken(await h.request("GET", "/api/tasks", { token: user.token }));
  });
});
