import { setTimeout as sleep } from "node:timers/promises";
import { type TestUser, tamperToken, testDialects, unsignedToken } from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, type ApiHarnessOptions, createApiHarness } from "../../test/api-harness.ts";
import {
  expectAuthUnavailable,
  expectInvalidToken,
  type JwksBehaviour,
  type JwksServer,
  refusedUrl,
  startJwksServer,
} from "../../test/auth-kit.ts";

const RETRY_DELAY_MS = 50;
const TIMEOUT_MS = 300;

// Availability (requirements group 10) through the real app: the API reads the real Better Auth
// JWKS through a local relay whose behaviour each test switches (up, down, slow, broken) and which
// counts the API's fetches. Fail closed (503 + Retry-After, never 2xx or 401), recover, share fetches.
describe.each(testDialects())("JWKS availability through the app (%s)", (dialect) => {
  let relay!: JwksServer;
  let h!: ApiHarness;
  let alice!: TestUser;
  let closers: (() => Promise<void>)[] = [];
  const up = (): JwksBehaviour => ({ kind: "proxy", upstream: h.auth.jwksUrl });

  /** The relay (answering `behaviour` once Better Auth is up) and the app reading the JWKS through it. */
  async function start(behaviour: "up" | JwksBehaviour, jwks: ApiHarnessOptions["jwks"] = {}): Promise<void> {
    relay = await startJwksServer({ kind: "reset" });
    closers.push(() => relay.close());
    h = await createApiHarness(dialect, {
      jwks: { url: relay.url, retryDelayMs: RETRY_DELAY_MS, timeoutMs: TIMEOUT_MS, ...jwks },
    });
    closers.push(() => h.close());
    alice = await h.signUp("Alice");
    relay.behave(behaviour === "up" ? up() : behaviour);
  }
  const me = (token = alice.token) => h.request("GET", "/api/me", { token });
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers = [];
  });

  it("control: with the JWKS up, a real token → 200 after exactly one JWKS fetch", async () => {
    await start("up");
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    expect(relay.requests).toBe(1);
  });

  it("JWKS dropping connections on a cold cache → 503 AUTH_UNAVAILABLE with Retry-After, not 401", async () => {
    await start({ kind: "reset" });
    await expectAuthUnavailable(await me());
    expect(h.logs.join("\n")).toContain("token key set unavailable");
  });

  it("JWKS host refusing connections on a cold cache → 503 AUTH_UNAVAILABLE", async () => {
    await start("up", { url: await refusedUrl() });
    await expectAuthUnavailable(await me());
  });

  it(
    "JWKS answering after 20 s on a cold cache → 503 once the fetch times out",
    { timeout: 15_000 },
    async () => {
      await start({ kind: "delay", ms: 20_000, then: { kind: "json", body: { keys: [] } } });
      const started = Date.now();
      await expectAuthUnavailable(await me());
      // Generous bound, only to prove the timeout (not the 20 s answer) ended the wait.
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );

  it("JWKS never answering the body on a cold cache → 503", { timeout: 15_000 }, async () => {
    await start({ kind: "stall-body" });
    await expectAuthUnavailable(await me());
  });

  it.each([
    ["HTTP 500", { kind: "raw", body: "Internal Server Error", status: 500 }],
    ["non-JSON", { kind: "raw", body: "<html>maintenance</html>", contentType: "text/html" }],
    ["`{}` without keys", { kind: "json", body: {} }],
  ] as const)("JWKS broken (%s) on a cold cache → 503 AUTH_UNAVAILABLE", async (_label, behaviour) => {
    await start(behaviour);
    await expectAuthUnavailable(await me());
  });

  it("JWKS publishing only RSA/EC keys → 401 invalid_token (no Ed25519 key has the token's kid)", async () => {
    await start({
      kind: "json",
      body: {
        keys: [
          { kty: "RSA", kid: "r1", n: "AQAB", e: "AQAB" },
          { kty: "EC", kid: "e1", crv: "P-256" },
        ],
      },
    });
    await expectInvalidToken(await me());
  });

  it("JWKS down on a cold cache: tokens refused before any key lookup stay 401, and cause no fetch", async () => {
    await start({ kind: "reset" });
    await expectInvalidToken(await me("not.a.jwt!"));
    await expectInvalidToken(
      await me(unsignedToken({ header: { alg: "none" }, payload: { sub: alice.id } })),
    );
    await expectInvalidToken(await me(tamperToken(alice.token, { header: { kid: 42 } })));
    expect(relay.requests).toBe(0);
  });

  it("JWKS down on a warm cache → tokens under the known kid still 200", async () => {
    await start("up");
    expect((await me()).status).toBe(200);
    relay.behave({ kind: "reset" });
    const bob = await h.signUp("Bob");
    const response = await me(bob.token);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ id: bob.id, name: "Bob" });
    // A token with a wrong signature is still refused while the JWKS is down.
    await expectInvalidToken(await me(tamperToken(alice.token, { payload: { sub: bob.id } })));
  });

  it("recovery without restart: JWKS down → 503; JWKS back → 200 on the next request after the retry delay", async () => {
    await start({ kind: "raw", body: "down", status: 503 });
    await expectAuthUnavailable(await me());
    await expectAuthUnavailable(await me());
    relay.behave(up());
    await sleep(RETRY_DELAY_MS * 3);
    const response = await me();
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ id: alice.id, name: "Alice" });
  });

  it("the failure is not cached: every retry delay the API asks the JWKS again", async () => {
    await start({ kind: "reset" });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await expectAuthUnavailable(await me());
      expect(relay.requests).toBe(attempt);
      await sleep(RETRY_DELAY_MS * 3);
    }
  });

  it("concurrent requests on a cold cache share one JWKS fetch and all get 200", async () => {
    await start("up");
    relay.behave({ kind: "delay", ms: 100, then: up() });
    const bob = await h.signUp("Bob");
    const tokens = [alice.token, bob.token, alice.token, bob.token, alice.token, bob.token];
    const responses = await Promise.all(tokens.map((token) => me(token)));
    expect(responses.map((r) => r.status)).toEqual(Array(tokens.length).fill(200));
    expect(relay.requests).toBe(1);
  });

  it("concurrent requests on a cold cache with the JWKS down all get 503 from one fetch", async () => {
    await start({ kind: "delay", ms: 100, then: { kind: "raw", body: "down", status: 500 } });
    const responses = await Promise.all(Array.from({ length: 5 }, () => me()));
    for (const response of responses) await expectAuthUnavailable(response);
    expect(relay.requests).toBe(1);
  });
});
