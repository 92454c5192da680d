import { testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { createMemoryQuotaStore, type QuotaDecision, requestQuota } from "./quota.ts";

// rate-limiter-flexible reads Date.now(); only Date is faked, so pools and sockets keep working.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createMemoryQuotaStore", () => {
  it("allows exactly `requests` per window, counting down, then refuses until the window ends", async () => {
    const store = createMemoryQuotaStore({ requests: 3, windowSeconds: 30 });
    const seen: QuotaDecision[] = [];
    for (let i = 0; i < 4; i++) seen.push(await store.consume("a"));
    expect(seen.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(seen.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(seen.map((d) => d.limit)).toEqual([3, 3, 3, 3]);
    expect(seen.map((d) => d.resetSeconds)).toEqual([30, 30, 30, 30]);
    expect(seen.map((d) => d.retryAfterSeconds)).toEqual([0, 0, 0, 30]);
    vi.advanceTimersByTime(20_500);
    // 9.5 s to go is rounded up: a client that waits Retry-After is never refused for being early.
    expect(await store.consume("a")).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    vi.advanceTimersByTime(9_500);
    expect(await store.consume("a")).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 30 });
  });

  it("keeps users apart", async () => {
    const store = createMemoryQuotaStore({ requests: 1, windowSeconds: 60 });
    expect((await store.consume("a")).allowed).toBe(true);
    expect((await store.consume("a")).allowed).toBe(false);
    expect(await store.consume("b")).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("rejects nonsense settings", () => {
    expect(() => createMemoryQuotaStore({ requests: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => createMemoryQuotaStore({ requests: 1.5, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => createMemoryQuotaStore({ requests: 1, windowSeconds: 0 })).toThrow(RangeError);
  });

  it("is off with no config or requests: 0", () => {
    // Building the middleware must not throw for `requests: 0` (the memory store would).
    expect(() => requestQuota({ requests: 0, windowSeconds: 60 })).not.toThrow();
    expect(() => requestQuota(undefined)).not.toThrow();
  });
});

// Through the in-process app: what needs a faked clock or store. The rest of the quota's HTTP
// behaviour is in tests/contract/quota.test.ts, against every backend.
describe.each(testDialects())("request quota in the app (%s)", (dialect) => {
  let h: ApiHarness;
  let alice: TestUser;
  beforeEach(async () => {
    h = await createApiHarness(dialect, { quota: { requests: 3, windowSeconds: 30 } });
    alice = await h.signUp("Alice");
  });
  afterEach(() => h.close());

  const me = (token: string) => h.request("GET", "/api/me", { token });

  it("lets the user back in once the window ends", async () => {
    for (let i = 0; i < 3; i++) await me(alice.token);
    expect((await me(alice.token)).status).toBe(429);
    vi.advanceTimersByTime(29_000);
    expect((await me(alice.token)).status).toBe(429);
    vi.advanceTimersByTime(1_000);
    const back = [await me(alice.token), await me(alice.token), await me(alice.token)];
    expect(back.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await me(alice.token)).status).toBe(429);
  });

  it("uses a replacement store when one is given", async () => {
    const calls: string[] = [];
    const refuse: QuotaDecision = {
      allowed: false,
      limit: 5,
      remaining: 0,
      resetSeconds: 7,
      retryAfterSeconds: 7,
    };
    const custom = await createApiHarness(dialect, {
      quota: {
        requests: 5,
        windowSeconds: 60,
        store: {
          consume: (key) => {
            calls.push(key);
            return Promise.resolve(refuse);
          },
        },
      },
    });
    try {
      const user = await custom.signUp("Carol");
      const response = await custom.request("GET", "/api/me", { token: user.token });
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("7");
      expect(calls).toEqual([user.id]);
    } finally {
      await custom.close();
    }
  });
});

describe.each(testDialects())("request quota off (%s)", (dialect) => {
  // The harness the suites here use; API_QUOTA_REQUESTS=0 is in tests/contract/quota.test.ts.
  it("is off unless a test asks for it", async () => {
    const h = await createApiHarness(dialect);
    try {
      const user = await h.signUp();
      for (let i = 0; i < 700; i++) {
        const response = await h.request("GET", "/api/me", { token: user.token });
        if (response.status !== 200) throw new Error(`request ${i}: ${response.status}`);
        expect(response.headers.get("ratelimit-limit")).toBeNull();
      }
    } finally {
      await h.close();
    }
  });
});
