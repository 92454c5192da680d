// Requirements group 6: brute force and quotas. Better Auth's limiter (3 sign-ins per 10 s per
// client address, counted in the database), the per-account lockout (10 failures → 429
// ACCOUNT_LOCKED), uniform answers for unknown vs wrong credentials, and the API's per-user quota.
// The stacks run behind a "proxy" that sets X-Real-IP (TRUST_PROXY=x-real-ip).
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect } from "vitest";
import type { StackService } from "@tandem/stack";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, dialects, newIp, useStack } from "./lib/stack.ts";

const unknownEmail = () => `nobody-${randomBytes(6).toString("hex")}@example.test`;

/** Better Auth's 429: status, X-Retry-After, and no session. */
function expectRateLimited(response: HttpResponse) {
  expect(response.status, "rate limited").toBe(429);
  expect(Number(response.headers.get("x-retry-after")), "X-Retry-After").toBeGreaterThan(0);
  expect(response.cookies.join(";")).not.toContain("session_token");
}

function expectWrongCredentials(response: HttpResponse) {
  expect(response.status).toBe(401);
  expect(response.json()).toEqual({
    code: "INVALID_EMAIL_OR_PASSWORD",
    message: "Invalid email or password",
  });
}

describe.each(dialects())("6. brute force and quotas (%s)", (dialect) => {
  const s = useStack(dialect);
  let victim: Account;
  let secondWeb: StackService;
  let quotaApi: StackService;
  beforeAll(async () => {
    victim = await s().signUp({ name: "Victim" });
    // A second web app on the same database (as behind a load balancer), and an API with a small quota.
    [secondWeb, quotaApi] = await Promise.all([
      s().stack.addService("web", `${dialect}-2`),
      s().stack.addService("api", `${dialect}-quota`, {
        API_QUOTA_REQUESTS: "5",
        API_QUOTA_WINDOW_SECONDS: "60",
      }),
    ]);
  });
  const signIn = (email: string, password: string, headers: Record<string, string> = {}, base?: string) =>
    s().web("/api/auth/sign-in/email", { json: { email, password }, headers, ...(base ? { base } : {}) });

  attack(
    "a 4th sign-in attempt within 10 s from one address",
    "429 with X-Retry-After (the first 3: 401)",
    async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i += 1)
        expectWrongCredentials(await signIn(unknownEmail(), "wrong-password", { "x-real-ip": ip }));
      expectRateLimited(await signIn(unknownEmail(), "wrong-password", { "x-real-ip": ip }));
      // Even the right password is refused from that address now.
      expectRateLimited(await signIn(victim.email, victim.password, { "x-real-ip": ip }));
    },
  );

  attack(
    "the same burst from other addresses (X-Real-IP set by the proxy)",
    "separate buckets: each address gets its own 3 attempts",
    async () => {
      const limited = newIp();
      for (let i = 0; i < 4; i += 1) await signIn(unknownEmail(), "wrong-password", { "x-real-ip": limited });
      for (let n = 0; n < 3; n += 1) {
        const ip = newIp();
        for (let i = 0; i < 3; i += 1)
          expectWrongCredentials(await signIn(unknownEmail(), "wrong-password", { "x-real-ip": ip }));
      }
      expectRateLimited(await signIn(unknownEmail(), "wrong-password", { "x-real-ip": limited }));
    },
  );

  attack(
    "a client forging X-Forwarded-For (a new address per request, with or without X-Real-IP)",
    "not believed: still limited after 3 attempts",
    async () => {
      const ip = newIp();
      for (let i = 0; i < 3; i += 1) {
        expectWrongCredentials(
          await signIn(unknownEmail(), "x", { "x-real-ip": ip, "x-forwarded-for": newIp() }),
        );
      }
      expectRateLimited(await signIn(unknownEmail(), "x", { "x-real-ip": ip, "x-forwarded-for": newIp() }));
      // Without X-Real-IP, every client shares one bucket, whatever X-Forwarded-For claims.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push((await signIn(unknownEmail(), "x", { "x-forwarded-for": newIp() })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    },
  );

  attack(
    "alternating between two web instances on the same database",
    "the limit holds across both: the 4th attempt is 429",
    async () => {
      const ip = newIp();
      const bases = [s().webUrl, secondWeb.url, s().webUrl];
      for (const base of bases)
        expectWrongCredentials(await signIn(unknownEmail(), "x", { "x-real-ip": ip }, base));
      expectRateLimited(await signIn(unknownEmail(), "x", { "x-real-ip": ip }, secondWeb.url));
    },
  );

  attack("mass sign-up from one address", "429 after 3 sign-ups within 10 s", async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await s().web("/api/auth/sign-up/email", {
        json: { name: "Spam", email: unknownEmail(), password: "correct-horse-battery" },
        ip,
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  attack(
    "an unknown email vs a wrong password for a real one",
    "the same 401 answer, byte for byte",
    async () => {
      const unknown = await signIn(unknownEmail(), "wrong-password", { "x-real-ip": newIp() });
      const wrong = await signIn(victim.email, "wrong-password", { "x-real-ip": newIp() });
      expectWrongCredentials(unknown);
      expect(wrong.status).toBe(unknown.status);
      expect(wrong.text).toBe(unknown.text);
      expect(wrong.cookies).toEqual(unknown.cookies);
    },
  );

  attack(
    "10 wrong passwords for one account from 10 addresses (a distributed guesser), then the right one",
    "401 ×10, then 429 ACCOUNT_LOCKED with Retry-After even for the right password; other accounts unaffected",
    async () => {
      const target = await s().signUp({ name: "Target" });
      for (let i = 0; i < 10; i += 1) {
        expectWrongCredentials(await signIn(target.email, `guess-${i}`, { "x-real-ip": newIp() }));
      }
      const locked = await signIn(target.email, target.password, { "x-real-ip": newIp() });
      expect(locked.status).toBe(429);
      expect(locked.json()).toEqual({
        code: "ACCOUNT_LOCKED",
        message: "Too many failed sign-ins. Try again in 15 minutes.",
      });
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
      expect(locked.cookies.join(";")).not.toContain("session_token");
      // Case and spaces do not make a new account key.
      expect(
        (await signIn(` ${target.email.toUpperCase()} `, target.password, { "x-real-ip": newIp() })).status,
      ).toBe(429);
      // The victim of another test signs in normally.
      expect((await signIn(victim.email, victim.password, { "x-real-ip": newIp() })).status).toBe(200);
    },
  );

  attack(
    "the same 10 failures for an email with no account",
    "the same 429 ACCOUNT_LOCKED answer (no account enumeration)",
    async () => {
      const email = unknownEmail();
      for (let i = 0; i < 10; i += 1)
        expectWrongCredentials(await signIn(email, `guess-${i}`, { "x-real-ip": newIp() }));
      const locked = await signIn(email, "anything", { "x-real-ip": newIp() });
      expect(locked.status).toBe(429);
      expect(locked.json()).toEqual({
        code: "ACCOUNT_LOCKED",
        message: "Too many failed sign-ins. Try again in 15 minutes.",
      });
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    },
  );

  attack(
    "one user floods an API instance whose quota is 5 requests per 60 s",
    "429 RATE_LIMITED with Retry-After after 5; another user is unaffected",
    async () => {
      const [flooder, bystander] = [await s().signUp(), await s().signUp()];
      for (let i = 0; i < 5; i += 1) {
        const ok = await s().api("/api/tasks", { token: flooder.token, base: quotaApi.url });
        expect(ok.status).toBe(200);
        expect(ok.headers.get("ratelimit-limit")).toBe("5");
      }
      const refused = await s().api("/api/tasks", { token: flooder.token, base: quotaApi.url });
      expectProblem(refused, 429, "RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect((await s().api("/api/me", { token: bystander.token, base: quotaApi.url })).status).toBe(200);
    },
  );
});
