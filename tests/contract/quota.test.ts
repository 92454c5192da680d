import type { Problem } from "@tandem/contracts";
import { tamperToken, testRedisUrl, type TestUser } from "@tandem/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROBLEM } from "./support/problems.ts";
import { startBackend, type RunningBackend } from "@tandem/stack";
import { type StartedApi, startApi, useApi, WEB_ORIGIN } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { userRows } from "./support/tasks.ts";

// The per-user request quota (API_QUOTA_REQUESTS per fixed window of API_QUOTA_WINDOW_SECONDS,
// rate-limiter-flexible's algorithm; docs/decisions/018-shared-quota.md) over HTTP, with backends
// of their own and small quotas. Every test signs up fresh users, whose windows start with their
// first request.

function quotaHeaders(response: Response) {
  return {
    limit: response.headers.get("ratelimit-limit"),
    remaining: response.headers.get("ratelimit-remaining"),
    reset: response.headers.get("ratelimit-reset"),
  };
}

/**
 * A whole-seconds header that would read `full` had every request arrived at the same instant; the
 * backend's clock moved on by less than `elapsedMs` meanwhile, so it may read up to that much less
 * (exactly `full` when the requests took under a second).
 */
function expectCountdown(value: string | null, full: number, elapsedMs: number): void {
  expect(value).toMatch(/^\d+$/);
  expect(Number(value)).toBeLessThanOrEqual(full);
  expect(Number(value)).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(full - elapsedMs / 1000)));
}

describe.each(targets())("request quota ($label)", (target) => {
  describe("3 requests per 30 seconds", () => {
    const h = useApi(target, { env: { API_QUOTA_REQUESTS: "3", API_QUOTA_WINDOW_SECONDS: "30" } });
    let alice: TestUser;
    let bob: TestUser;
    beforeEach(async () => {
      alice = await h.signUp("Alice");
      bob = await h.signUp("Bob");
    });
    const me = (token: string) => h.request("GET", "/api/me", { token });

    it("refuses a user over quota with 429, Retry-After and problem+json, and leaves others alone", async () => {
      const started = performance.now();
      const allowed = [await me(alice.token), await me(alice.token), await me(alice.token)];
      expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(allowed.map((r) => quotaHeaders(r).remaining)).toEqual(["2", "1", "0"]);
      expect(quotaHeaders(allowed[0] ?? new Response())).toMatchObject({ limit: "3", remaining: "2" });
      expectCountdown(quotaHeaders(allowed[0] ?? new Response()).reset, 30, performance.now() - started);

      const limited = await me(alice.token);
      const elapsed = performance.now() - started;
      expect(limited.status).toBe(429);
      // Fixed window: the next request and the whole quota come back when the window ends.
      expectCountdown(limited.headers.get("retry-after"), 30, elapsed);
      expect(quotaHeaders(limited)).toMatchObject({ limit: "3", remaining: "0" });
      expectCountdown(quotaHeaders(limited).reset, 30, elapsed);
      expect(limited.headers.get("content-type")).toMatch(PROBLEM);
      expect(limited.headers.get("cache-control")).toBe("no-store");
      const problem = (await limited.json()) as Problem;
      expect(problem).toMatchObject({ status: 429, code: "RATE_LIMITED", instance: "/api/me" });
      expect(problem.detail).toMatch(/3 per 30 seconds/);

      const other = await me(bob.token);
      expect(other.status).toBe(200);
      expect(quotaHeaders(other).remaining).toBe("2");
    });

    it("covers every /api route and stops a limited write from happening", async () => {
      for (let i = 0; i < 3; i++)
        expect((await h.request("GET", "/api/tasks", { token: alice.token })).status).toBe(200);
      const create = await h.request("POST", "/api/tasks", {
        token: alice.token,
        body: { title: "over quota" },
      });
      expect(create.status).toBe(429);
      const compat = await h.request("GET", `/api/${alice.id}/tasks`, { token: alice.token });
      expect(compat.status).toBe(429);
      expect(await userRows(h, alice.id)).toEqual([]);
    });

    it("puts the quota headers on the user's error responses too", async () => {
      const missing = await h.request("GET", "/api/tasks/00000000-0000-7000-8000-000000000000", {
        token: alice.token,
      });
      expect(missing.status).toBe(404);
      expect(quotaHeaders(missing)).toEqual({ limit: "3", remaining: "2", reset: "30" });
    });

    it("charges no one for requests refused by authentication", async () => {
      const forged = tamperToken(alice.token, { payload: { name: "Mallory" } });
      for (let i = 0; i < 10; i++) {
        const responses = [
          await h.request("GET", "/api/me"),
          await h.request("GET", "/api/me", { token: "not-a-jwt" }),
          await h.request("GET", "/api/me", { token: forged }),
        ];
        expect(responses.map((r) => r.status)).toEqual([401, 401, 401]);
        for (const r of responses) expect(r.headers.get("ratelimit-limit")).toBeNull();
      }
      const first = await me(alice.token);
      expect(first.status).toBe(200);
      expect(quotaHeaders(first).remaining).toBe("2");
    });

    it("does not limit health, readiness or the docs", async () => {
      for (let i = 0; i < 10; i++) {
        for (const path of ["/health", "/ready", "/openapi.json", "/docs"]) {
          const response = await h.request("GET", path);
          expect(response.status, path).toBe(200);
          expect(response.headers.get("ratelimit-limit"), path).toBeNull();
        }
      }
    });

    it("lets a browser read Retry-After and the RateLimit headers (CORS)", async () => {
      for (let i = 0; i < 3; i++) await me(alice.token);
      const limited = await h.request("GET", "/api/me", {
        token: alice.token,
        headers: { origin: WEB_ORIGIN },
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
      const exposed = (limited.headers.get("access-control-expose-headers") ?? "")
        .toLowerCase()
        .split(/,\s*/);
      expect(exposed).toEqual(
        expect.arrayContaining(["retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]),
      );
    });
  });

  describe("1 request per 2 seconds", () => {
    const h = useApi(target, { env: { API_QUOTA_REQUESTS: "1", API_QUOTA_WINDOW_SECONDS: "2" } });

    it("lets the user back in once Retry-After has passed", async () => {
      const user = await h.signUp();
      const me = () => h.request("GET", "/api/me", { token: user.token });
      expect((await me()).status).toBe(200);
      const limited = await me();
      expect(limited.status).toBe(429);
      const wait = Number(limited.headers.get("retry-after"));
      expect([1, 2]).toContain(wait);
      // A client that waits what Retry-After says is never refused for being early.
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      expect((await me()).status).toBe(200);
    });
  });

  describe("no quota (API_QUOTA_REQUESTS=0)", () => {
    const h = useApi(target, { env: { API_QUOTA_REQUESTS: "0" } });

    it("never limits and sends no RateLimit headers", async () => {
      const user = await h.signUp();
      for (let i = 0; i < 700; i++) {
        const response = await h.request("GET", "/api/me", { token: user.token });
        if (response.status !== 200) throw new Error(`request ${i}: ${response.status}`);
        expect(response.headers.get("ratelimit-limit")).toBeNull();
      }
    });
  });
});

// Two instances on one PostgreSQL database count one budget (issue 17): the quota lives in the
// database's api_quota table, not in either process. Both backends read the same table, so a
// TypeScript and a Python instance side by side share it too.
const postgresTargets = targets().filter((t) => t.dialect === "postgres");
const shared = { API_QUOTA_REQUESTS: "5", API_QUOTA_WINDOW_SECONDS: "60" };
const inDatabase = { ...shared, API_QUOTA_STORE: "database" };
const pairs = postgresTargets.map((target) => ({
  target,
  other: target.backend,
  label: target.label,
  env: inDatabase,
}));
const [ts, fastapi] = [
  postgresTargets.find((t) => t.backend === "ts"),
  postgresTargets.find((t) => t.backend === "fastapi"),
];
if (ts !== undefined && fastapi !== undefined)
  pairs.push({ target: ts, other: "fastapi", label: "ts + fastapi, postgres", env: inDatabase });
// With REDIS_URL the TypeScript API counts in Redis instead, whatever its database (the FastAPI
// backend supports the PostgreSQL store only: docs/python-backend.md).
const redisUrl = testRedisUrl();
for (const target of targets().filter((t) => t.backend === "ts")) {
  if (redisUrl === undefined) break;
  const env = { ...shared, API_QUOTA_STORE: "redis", REDIS_URL: redisUrl };
  pairs.push({ target, other: "ts", label: `${target.label}, redis`, env });
}

describe.each(pairs)("request quota shared by two instances ($label)", ({ target, other, env }) => {
  let first: StartedApi;
  let second: RunningBackend;
  beforeAll(async () => {
    first = await startApi(target, { env });
    second = await startBackend(other, {
      name: `${other}/${target.dialect}#2`,
      databaseUrl: first.database.url,
      issuer: {
        publicUrl: first.auth.issuer,
        jwksUrl: first.auth.jwksUrl,
        audience: first.auth.audience,
        origins: [WEB_ORIGIN],
      },
      env,
    });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.close();
  });
  const me = (base: string, token: string) =>
    fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  it("exhausts one budget across both, with the same headers from each", async () => {
    const user = await first.signUp("Alice");
    const started = performance.now();
    const responses: Response[] = [];
    for (let i = 0; i < 8; i++) responses.push(await me(i % 2 === 0 ? first.url : second.url, user.token));
    const elapsed = performance.now() - started;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(responses.map((r) => quotaHeaders(r).remaining)).toEqual(["4", "3", "2", "1", "0", "0", "0", "0"]);
    for (const r of responses) {
      expect(quotaHeaders(r).limit).toBe("5");
      expectCountdown(quotaHeaders(r).reset, 60, elapsed);
    }
    // Refused by each instance, with the same Retry-After: the end of the one shared window.
    for (const r of responses.slice(5)) expectCountdown(r.headers.get("retry-after"), 60, elapsed);
    const problem = (await responses[6]?.json()) as Problem;
    expect(problem).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });

  it("admits exactly the quota when both take requests at once", async () => {
    const user = await first.signUp("Bob");
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => me(i % 2 === 0 ? first.url : second.url, user.token)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(7);
    const remaining = responses.filter((r) => r.status === 200).map((r) => quotaHeaders(r).remaining);
    expect(remaining.sort()).toEqual(["0", "1", "2", "3", "4"]);
  });
});
