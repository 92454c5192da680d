import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KeySetUnavailableError, RemoteKeySet, type RemoteKeySetOptions } from "./key-set.ts";
import {
  createSigningKey,
  type JwksServer,
  jwksOf,
  refusedUrl,
  type SigningKey,
  startJwksServer,
} from "../../test/auth-kit.ts";

const COOLDOWN = 1_000;
const MAX_AGE = 600_000;
const RETRY_DELAY = 1_000;

// RemoteKeySet against a local JWKS endpoint that counts requests; time is a controlled clock
// (the `now` option, and a `sleep` that advances it), so cooldowns and retry delays are crossed
// without sleeping.
describe("RemoteKeySet: fetching, cooldown and rotation", () => {
  let server: JwksServer;
  let keyA: SigningKey;
  let keyB: SigningKey;
  let clock: number;
  beforeEach(async () => {
    [keyA, keyB] = await Promise.all([createSigningKey("key-a"), createSigningKey("key-b")]);
    server = await startJwksServer({ kind: "json", body: jwksOf(keyA) });
    clock = 1_000_000;
  });
  afterEach(() => server.close());

  const keySet = (options: Partial<RemoteKeySetOptions> = {}) =>
    new RemoteKeySet({
      url: server.url,
      timeoutMs: 1000,
      cooldownMs: COOLDOWN,
      maxAgeMs: MAX_AGE,
      retryDelayMs: RETRY_DELAY,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
      ...options,
    });
  let slept: number[] = [];
  beforeEach(() => {
    slept = [];
  });

  it("a cold cache fetches once; a known kid is then served from the cache without refetching", async () => {
    const keys = keySet();
    expect((await keys.getKey("key-a")).kind).toBe("key");
    clock += COOLDOWN * 2;
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(1);
  });

  it("an unknown kid after the cooldown → exactly one refetch, no waiting", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    clock += COOLDOWN + 1;
    expect(await keys.getKey("unknown-1")).toEqual({ kind: "unknown-kid" });
    expect(server.requests).toBe(2);
    expect(slept).toEqual([]);
  });

  it("a key rotated in right after a fetch: the token waits out the cooldown, then its key is found (never refused)", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    server.behave({ kind: "json", body: jwksOf(keyA, keyB) });
    clock += 100;
    expect((await keys.getKey("key-b")).kind).toBe("key");
    expect(slept).toEqual([COOLDOWN - 100]);
    expect(server.requests).toBe(2);
  });

  it("kid spraying: sequential unknown kids cost at most one fetch per cooldown", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    const started = clock;
    for (let i = 0; i < 20; i += 1) {
      clock += 100;
      expect(await keys.getKey(`unknown-flood-${i}`)).toEqual({ kind: "unknown-kid" });
    }
    const elapsed = clock - started;
    expect(server.requests - 1).toBeLessThanOrEqual(Math.ceil(elapsed / COOLDOWN));
    expect(server.requests - 1).toBe(20);
    expect((await keys.getKey("key-a")).kind).toBe("key");
  });

  it("kid spraying: concurrent unknown kids within the cooldown share one fetch at its end", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    clock += 100;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => keys.getKey(`spray-${i}`)));
    expect(results).toEqual(Array(20).fill({ kind: "unknown-kid" }));
    expect(server.requests).toBe(2);
    expect(slept).toEqual([COOLDOWN - 100]);
  });

  it("an unknown kid right after the first fetch is answered from that fetch (no second request)", async () => {
    const keys = keySet();
    expect(await keys.getKey("never-published")).toEqual({ kind: "unknown-kid" });
    expect(server.requests).toBe(1);
  });

  it("a stale cache with an unknown kid still costs exactly one request", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    clock += MAX_AGE + 1;
    expect(await keys.getKey("unknown")).toEqual({ kind: "unknown-kid" });
    expect(server.requests).toBe(2);
  });

  it("a rotated-in key (new kid published) is found by the refetch after the cooldown; the old key stays valid", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    server.behave({ kind: "json", body: jwksOf(keyA, keyB) });
    clock += COOLDOWN + 1;
    expect((await keys.getKey("key-b")).kind).toBe("key");
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(2);
  });

  it("a key removed from the JWKS stops being served once the stale set is refreshed", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    server.behave({ kind: "json", body: jwksOf(keyB) });
    clock += MAX_AGE + 1;
    expect(await keys.getKey("key-a")).toEqual({ kind: "unknown-kid" });
    expect(server.requests).toBe(2);
  });

  it("concurrent callers on a cold cache share one fetch", async () => {
    server.behave({ kind: "delay", ms: 100, then: { kind: "json", body: jwksOf(keyA) } });
    const keys = keySet();
    const results = await Promise.all(Array.from({ length: 10 }, () => keys.getKey("key-a")));
    expect(results.map((r) => r.kind)).toEqual(Array(10).fill("key"));
    expect(server.requests).toBe(1);
  });

  it("concurrent callers with a freshly rotated kid share one refetch and ALL get the new key", async () => {
    const keys = keySet();
    await keys.getKey("key-a");
    server.behave({ kind: "delay", ms: 100, then: { kind: "json", body: jwksOf(keyA, keyB) } });
    clock += COOLDOWN + 1;
    const results = await Promise.all(Array.from({ length: 5 }, () => keys.getKey("key-b")));
    expect(results.map((r) => r.kind)).toEqual(Array(5).fill("key"));
    expect(server.requests).toBe(2);
  });

  it("only public Ed25519 signing keys are kept (RSA, EC, X25519, enc, private, kid-less, bad x are skipped)", async () => {
    const { d: _d, ...publicA } = keyA.publicJwk;
    const { kid: _kid, ...noKid } = keyB.publicJwk;
    server.behave({
      kind: "json",
      body: {
        keys: [
          { kty: "RSA", kid: "rsa", n: "AQAB", e: "AQAB" },
          { kty: "EC", kid: "ec", crv: "P-256", x: publicA.x, y: publicA.x },
          { ...publicA, kid: "x25519", crv: "X25519" },
          { ...publicA, kid: "enc", use: "enc" },
          { ...publicA, kid: "hs", alg: "HS256" },
          { ...publicA, kid: "private", d: publicA.x },
          { ...publicA, kid: "bad-x", x: "!!" },
          { ...publicA, kid: "short-x", x: "AAAA" },
          noKid,
          "not-an-object",
          null,
          publicA,
        ],
      },
    });
    const keys = keySet();
    for (const kid of ["rsa", "ec", "x25519", "enc", "hs", "private", "bad-x", "short-x"]) {
      expect(await keys.getKey(kid), kid).toEqual({ kind: "unknown-kid" });
    }
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(1);
  });
});

describe("RemoteKeySet: an unreachable, slow or broken endpoint fails closed and recovers", () => {
  let server: JwksServer;
  let keyA: SigningKey;
  let clock: number;
  beforeEach(async () => {
    keyA = await createSigningKey("key-a");
    server = await startJwksServer({ kind: "json", body: jwksOf(keyA) });
    clock = 1_000_000;
  });
  afterEach(() => server.close());

  const keySet = (options: Partial<RemoteKeySetOptions> = {}) =>
    new RemoteKeySet({
      url: server.url,
      timeoutMs: 1000,
      retryDelayMs: RETRY_DELAY,
      now: () => clock,
      ...options,
    });

  it("endpoint down (connection refused) on a cold cache → KeySetUnavailableError", async () => {
    const keys = keySet({ url: await refusedUrl() });
    await expect(keys.getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it("endpoint dropping connections on a cold cache → KeySetUnavailableError", async () => {
    server.behave({ kind: "reset" });
    await expect(keySet().getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it.each([
    ["HTTP 500", { kind: "raw", body: "oops", status: 500 }],
    ["HTTP 404", { kind: "json", body: { keys: [] }, status: 404 }],
    ["non-JSON", { kind: "raw", body: "<html>login</html>", contentType: "text/html" }],
    ["`{}` without keys", { kind: "json", body: {} }],
    ["`keys` not an array", { kind: "json", body: { keys: { kid: "key-a" } } }],
    ["a JSON array", { kind: "json", body: [] }],
    ["a document over maxBytes", { kind: "json", body: { keys: [], pad: "x".repeat(70 * 1024) } }],
  ] as const)("broken endpoint (%s) on a cold cache → KeySetUnavailableError", async (_label, behaviour) => {
    server.behave(behaviour);
    await expect(keySet().getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it("a redirect is not followed: KeySetUnavailableError and the target gets zero requests", async () => {
    const target = await startJwksServer({ kind: "json", body: jwksOf(keyA) });
    try {
      server.behave({ kind: "redirect", location: target.url });
      await expect(keySet().getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
      expect(target.requests).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("a never-answering endpoint → KeySetUnavailableError once timeoutMs passes", async () => {
    server.behave({ kind: "hang" });
    await expect(keySet({ timeoutMs: 200 }).getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it("an endpoint answering after 10 s → KeySetUnavailableError well before it answers", async () => {
    server.behave({ kind: "delay", ms: 10_000, then: { kind: "json", body: jwksOf(keyA) } });
    const started = Date.now();
    await expect(keySet({ timeoutMs: 200 }).getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
    // Generous bound, only to prove the timeout (not the late answer) ended the wait.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an endpoint that sends headers and then stalls the body → KeySetUnavailableError", async () => {
    server.behave({ kind: "stall-body" });
    await expect(keySet({ timeoutMs: 200 }).getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it("down on a warm, even stale, cache → a known kid still resolves while refreshes are retried", async () => {
    const keys = keySet({ maxAgeMs: 60_000 });
    await keys.getKey("key-a");
    server.behave({ kind: "raw", body: "down", status: 503 });
    expect((await keys.getKey("key-a")).kind).toBe("key");
    clock += 60_001;
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(2);
    clock += RETRY_DELAY;
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(3);
  });

  it("down on a warm cache, an unknown kid → KeySetUnavailableError (it may be a new key), not 'unknown'", async () => {
    const keys = keySet({ cooldownMs: COOLDOWN });
    await keys.getKey("key-a");
    server.behave({ kind: "reset" });
    clock += COOLDOWN + 1;
    await expect(keys.getKey("key-new")).rejects.toBeInstanceOf(KeySetUnavailableError);
    await expect(keys.getKey("key-new")).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it("failure is not cached: down → error; within retryDelay no new request; after it, back up → key", async () => {
    server.behave({ kind: "raw", body: "down", status: 502 });
    const keys = keySet();
    await expect(keys.getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
    expect(server.requests).toBe(1);

    server.behave({ kind: "json", body: jwksOf(keyA) });
    clock += RETRY_DELAY / 2;
    await expect(keys.getKey("key-a")).rejects.toBeInstanceOf(KeySetUnavailableError);
    expect(server.requests).toBe(1);

    clock += RETRY_DELAY / 2;
    expect((await keys.getKey("key-a")).kind).toBe("key");
    expect(server.requests).toBe(2);
  });

  it("concurrent callers on a cold cache with the endpoint down share one failing fetch", async () => {
    server.behave({ kind: "delay", ms: 100, then: { kind: "raw", body: "down", status: 500 } });
    const keys = keySet();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => keys.getKey("key-a")));
    for (const result of results) {
      expect(result.status).toBe("rejected");
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(KeySetUnavailableError);
    }
    expect(server.requests).toBe(1);
  });
});
