import { testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { createMemoryQuotaStore, type QuotaDecision, requestQuota } from "./quota.ts";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("createMemoryQuotaStore", () => {
  it("allows exactly `requests` at once, counting down, then refuses", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 3, windowSeconds: 30, now: clock.now });
    const seen = [1, 2, 3, 4].map(() => store.consume("a"));
    expect(seen.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(seen.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(seen.map((d) => d.limit)).toEqual([3, 3, 3, 3]);
    // One token comes back every 10 s; the bucket is full again 10, 20, 30 s after each use.
    expect(seen.map((d) => d.resetSeconds)).toEqual([10, 20, 30, 30]);
    expect(seen.map((d) => d.retryAfterSeconds)).toEqual([0, 0, 0, 10]);
  });

  it("refills one request per window/requests and says so in Retry-After", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 3, windowSeconds: 30, now: clock.now });
    for (let i = 0; i < 3; i++) store.consume("a");
    clock.advance(4_000);
    expect(store.consume("a")).toMatchObject({ allowed: false, retryAfterSeconds: 6 });
    clock.advance(5_500);
    // 0.5 s to go is rounded up: a client that waits Retry-After is never refused for being early.
    expect(store.consume("a")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(store.consume("a")).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.consume("a")).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    clock.advance(30_000);
    expect(store.consume("a")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("does not count refused requests, so hammering does not extend the wait", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 2, windowSeconds: 10, now: clock.now });
    store.consume("a");
    store.consume("a");
    for (let i = 0; i < 50; i++) expect(store.consume("a").allowed).toBe(false);
    clock.advance(5_000);
    expect(store.consume("a").allowed).toBe(true);
  });

  it("never carries unused quota beyond one full bucket", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 2, windowSeconds: 10, now: clock.now });
    store.consume("a");
    clock.advance(3_600_000);
    const allowed = [1, 2, 3].map(() => store.consume("a").allowed);
    expect(allowed).toEqual([true, true, false]);
  });

  it("keeps users apart", () => {
    const store = createMemoryQuotaStore({ requests: 1, windowSeconds: 60, now: manualClock().now });
    expect(store.consume("a").allowed).toBe(true);
    expect(store.consume("a").allowed).toBe(false);
    expect(store.consume("b")).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("counts exactly when the window does not divide evenly (no float drift)", () => {
    const clock = manualClock(1_700_000_000_000);
    const store = createMemoryQuotaStore({ requests: 7, windowSeconds: 60, now: clock.now });
    const first = Array.from({ length: 8 }, () => store.consume("a"));
    expect(first.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, true, false]);
    expect(first.map((d) => d.remaining)).toEqual([6, 5, 4, 3, 2, 1, 0, 0]);
    expect(first[7]?.retryAfterSeconds).toBe(9); // 60/7 ≈ 8.57 s, rounded up
    clock.advance(60_000);
    expect(Array.from({ length: 8 }, () => store.consume("a").allowed).filter(Boolean)).toHaveLength(7);
  });

  it("forgets users whose bucket is full again, once per window", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 10, windowSeconds: 1, now: clock.now });
    for (let i = 0; i < 100; i++) store.consume(`user-${i}`);
    expect(store.size).toBe(100);
    clock.advance(1_000);
    store.consume("late");
    expect(store.size).toBe(1);
  });

  it("stays within maxKeys, dropping expired buckets first and then the least recently seen", () => {
    const clock = manualClock();
    const store = createMemoryQuotaStore({ requests: 1, windowSeconds: 60, maxKeys: 10, now: clock.now });
    for (let i = 0; i < 10; i++) store.consume(`u${i}`);
    // u0 is used again (refused), so it is the most recently seen, not the oldest.
    expect(store.consume("u0").allowed).toBe(false);
    store.consume("new");
    expect(store.size).toBeLessThanOrEqual(10);
    // The least recently seen (u1) lost its state and has a fresh bucket; u0 and u9 kept theirs.
    expect(store.consume("u1").allowed).toBe(true);
    expect(store.consume("u0").allowed).toBe(false);
    expect(store.consume("u9").allowed).toBe(false);
    for (let i = 0; i < 1_000; i++) {
      store.consume(`flood-${i}`);
      expect(store.size).toBeLessThanOrEqual(10);
    }
  });

  it("prefers dropping buckets that are full again over active ones", () => {
    const clock = manualClock();
    // Window 60 s, so no periodic sweep runs during the test; only the cap triggers cleanup.
    const store = createMemoryQuotaStore({ requests: 2, windowSeconds: 60, maxKeys: 4, now: clock.now });
    store.consume("idle"); // full again 30 s later
    clock.advance(31_000);
    for (const user of ["b", "c", "d"]) store.consume(user);
    store.consume("b");
    store.consume("new");
    expect(store.size).toBe(4);
    expect(store.consume("b").allowed).toBe(false); // b kept its (exhausted) bucket
  });

  it("rejects nonsense settings", () => {
    expect(() => createMemoryQuotaStore({ requests: 0, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => createMemoryQuotaStore({ requests: 1.5, windowSeconds: 60 })).toThrow(RangeError);
    expect(() => createMemoryQuotaStore({ requests: 1, windowSeconds: 0 })).toThrow(RangeError);
    expect(() => createMemoryQuotaStore({ requests: 1, windowSeconds: 1, maxKeys: 0 })).toThrow(RangeError);
  });

  it("is off with no config or requests: 0", () => {
    // Building the middleware must not throw for `requests: 0` (the memory store would).
    expect(() => requestQuota({ requests: 0, windowSeconds: 60 })).not.toThrow();
    expect(() => requestQuota(undefined)).not.toThrow();
  });
});

// Through the in-process app: what needs an injected clock or store. The rest of the quota's
// HTTP behaviour is in tests/contract/quota.test.ts, against every backend.
describe.each(testDialects())("request quota in the app (%s)", (dialect) => {
  let h: ApiHarness;
  let clock: ReturnType<typeof manualClock>;
  let alice: TestUser;
  beforeEach(async () => {
    clock = manualClock();
    h = await createApiHarness(dialect, { quota: { requests: 3, windowSeconds: 30, now: clock.now } });
    alice = await h.signUp("Alice");
  });
  afterEach(() => h.close());

  const me = (token: string) => h.request("GET", "/api/me", { token });

  it("lets the user back in once the quota refills", async () => {
    for (let i = 0; i < 3; i++) await me(alice.token);
    expect((await me(alice.token)).status).toBe(429);
    clock.advance(9_999);
    expect((await me(alice.token)).status).toBe(429);
    clock.advance(1);
    expect((await me(alice.token)).status).toBe(200);
    expect((await me(alice.token)).status).toBe(429);
    clock.advance(30_000);
    const back = [await me(alice.token), await me(alice.token), await me(alice.token)];
    expect(back.map((r) => r.status)).toEqual([200, 200, 200]);
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
