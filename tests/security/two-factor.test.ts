// Two-factor sign-in (decision 017) attacked over HTTP against the real web app and API: the
// half-signed-in state (right password, no code yet) holds nothing that Better Auth or the API
// accept; codes are guessed, replayed and sprayed from many addresses; a stolen session cannot
// turn two-factor off without a code. The stacks trust X-Real-IP and keep the limiter on.
import { base32 } from "@better-auth/utils/base32";
import { createOTP } from "@better-auth/utils/otp";
import { decodeToken } from "@tandem/testing";
import { describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectInvalidToken, expectUnauthenticated } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, newIp, type SecurityStack, targets, useStack } from "./lib/stack.ts";

/** An authenticator app that scanned the QR code: the code `offset` time steps from now. */
function authenticator(totpURI: string) {
  const secret = new URL(totpURI).searchParams.get("secret") ?? "";
  const otp = createOTP(base32.decode(secret), { digits: 6, period: 30 });
  return (offset = 0) => otp.hotp(Math.floor(Date.now() / 30_000) + offset);
}

/** `name=value` pairs of every cookie a response set (not the ones it expired). */
function cookiesSet(response: HttpResponse): string[] {
  return response.cookies
    .filter((line) => !/max-age=0\b/i.test(line))
    .map((line) => line.split(";", 1)[0] ?? "")
    .filter((pair) => !pair.endsWith("="));
}

const code = (response: HttpResponse) => response.json<{ code?: string }>().code;

/** Turns two-factor on for `user` as the settings page does; the current step's code is used. */
async function enableTwoFactor(s: SecurityStack, user: Account) {
  const enabled = await s.web("/api/auth/two-factor/enable", {
    cookie: user.cookie,
    ip: user.ip,
    json: { password: user.password },
  });
  expect(enabled.status, enabled.text).toBe(200);
  const { totpURI, backupCodes } = enabled.json<{ totpURI: string; backupCodes: string[] }>();
  const app = authenticator(totpURI);
  const verified = await s.web("/api/auth/two-factor/verify-totp", {
    cookie: user.cookie,
    ip: user.ip,
    json: { code: await app() },
  });
  expect(verified.status, verified.text).toBe(200);
  // Turning it on replaced the session: this is the cookie the browser now holds.
  const cookie = cookiesSet(verified).find((pair) => /session_token=/.test(pair)) ?? "";
  return { app, backupCodes, cookie };
}

describe.each(targets())("two-factor ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });

  /** The password step from a fresh address: the cookies it set, as a browser would keep them. */
  async function passwordStep(user: Account, ip = newIp()) {
    const response = await s().web("/api/auth/sign-in/email", {
      json: { email: user.email, password: user.password },
      ip,
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ twoFactorRedirect: true });
    return { ip, cookies: cookiesSet(response) };
  }

  attack(
    "right password, no code: use every cookie the password step set at /token, /get-session and the API",
    "no token (401), no session (null), the API 401 for all of it; no session row was created",
    async () => {
      const user = await s().signUp();
      await enableTwoFactor(s(), user);
      const sessionsBefore = await s()
        .db.db.selectFrom("session")
        .select("id")
        .where("userId", "=", user.id)
        .execute();
      const { ip, cookies } = await passwordStep(user);
      expect(cookies.some((pair) => pair.startsWith("better-auth.two_factor="))).toBe(true);
      expect(cookies.some((pair) => /session_token=/.test(pair))).toBe(false);
      const cookie = cookies.join("; ");

      const token = await s().web("/api/auth/token", { cookie, ip });
      expect(token.status).toBe(401);
      expect(token.text).not.toMatch(/eyJ/);
      const session = await s().web("/api/auth/get-session", { cookie, ip });
      expect(session.status).toBe(200);
      expect(session.json<unknown>()).toBeNull();
      expect(session.headers.get("set-auth-jwt")).toBeNull();
      // The pending step's value, moved into the session cookie's name, is not a session either.
      const value = cookies.find((pair) => pair.startsWith("better-auth.two_factor="))?.split("=")[1] ?? "";
      const renamed = await s().web("/api/auth/token", { cookie: `better-auth.session_token=${value}`, ip });
      expect(renamed.status).toBe(401);

      expectUnauthenticated(await s().api("/api/tasks", { headers: { cookie } }));
      expectInvalidToken(await s().api("/api/tasks", { token: value }));
      expectInvalidToken(await s().api("/api/tasks", { token: decodeURIComponent(value) }));
      const sessionsAfter = await s()
        .db.db.selectFrom("session")
        .select("id")
        .where("userId", "=", user.id)
        .execute();
      expect(sessionsAfter).toHaveLength(sessionsBefore.length);
    },
    { concurrent: true },
  );

  attack(
    "finish the code step, then call the API with the token",
    "a session whose token says amr pwd otp mfa, and the API accepts it",
    async () => {
      const user = await s().signUp();
      const { app } = await enableTwoFactor(s(), user);
      const { ip, cookies } = await passwordStep(user);
      const verified = await s().web("/api/auth/two-factor/verify-totp", {
        cookie: cookies.join("; "),
        ip,
        json: { code: await app(1) },
      });
      expect(verified.status, verified.text).toBe(200);
      // The session token stays in its HttpOnly cookie (decision 013): the answer names the user only.
      expect(verified.json()).not.toHaveProperty("token");
      const session = cookiesSet(verified).find((pair) => /session_token=/.test(pair)) ?? "";
      const token = await s().token(session, ip);
      expect(decodeToken(token).payload.amr).toEqual(["pwd", "otp", "mfa"]);
      expect((await s().api("/api/tasks", { token })).status).toBe(200);
    },
    { concurrent: true },
  );

  attack(
    "replay the code that just signed someone in, from another browser",
    "401 INVALID_CODE, no session",
    async () => {
      const user = await s().signUp();
      const { app } = await enableTwoFactor(s(), user);
      const used = await app(1);
      const first = await passwordStep(user);
      const ok = await s().web("/api/auth/two-factor/verify-totp", {
        cookie: first.cookies.join("; "),
        ip: first.ip,
        json: { code: used },
      });
      expect(ok.status).toBe(200);
      const second = await passwordStep(user);
      const replay = await s().web("/api/auth/two-factor/verify-totp", {
        cookie: second.cookies.join("; "),
        ip: second.ip,
        json: { code: used },
      });
      expect([replay.status, code(replay)]).toEqual([401, "INVALID_CODE"]);
      expect(replay.cookies.join(";")).not.toMatch(/session_token=[^;]/);
    },
    { concurrent: true },
  );

  attack(
    "guess codes from a new address each time (dodging the per-address limiter)",
    "after 10 wrong codes the account is locked: 429 ACCOUNT_LOCKED for the right code and the password",
    async () => {
      const user = await s().signUp();
      const { app } = await enableTwoFactor(s(), user);
      const wrong = String((Number(await app(1)) + 500_000) % 1_000_000).padStart(6, "0");
      let pending = await passwordStep(user);
      for (let guess = 1; guess <= 10; guess += 1) {
        // Better Auth ends a code step after 5 wrong codes: the attacker signs in again.
        if (guess === 6) pending = await passwordStep(user);
        const answer = await s().web("/api/auth/two-factor/verify-totp", {
          cookie: pending.cookies.join("; "),
          ip: newIp(),
          json: { code: wrong },
        });
        expect(answer.status, `guess ${guess}`).toBe(401);
      }
      const right = await s().web("/api/auth/two-factor/verify-totp", {
        cookie: pending.cookies.join("; "),
        ip: newIp(),
        json: { code: await app(1) },
      });
      expect([right.status, code(right)]).toEqual([429, "ACCOUNT_LOCKED"]);
      const password = await s().web("/api/auth/sign-in/email", {
        json: { email: user.email, password: user.password },
        ip: newIp(),
      });
      expect([password.status, code(password)]).toEqual([429, "ACCOUNT_LOCKED"]);
    },
    { concurrent: true },
  );

  attack(
    "a 4th code attempt within 10 s from one address",
    "429 with X-Retry-After",
    async () => {
      const user = await s().signUp();
      await enableTwoFactor(s(), user);
      const { ip, cookies } = await passwordStep(user);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const answer = await s().web("/api/auth/two-factor/verify-backup-code", {
          cookie: cookies.join("; "),
          ip,
          json: { code: `guess-${i}` },
        });
        statuses.push(answer.status);
        if (answer.status === 429) expect(Number(answer.headers.get("x-retry-after"))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    },
    { concurrent: true },
  );

  attack(
    "a stolen session and the password try to turn two-factor off or get new backup codes without a code",
    "400 INVALID_CODE; two-factor stays on",
    async () => {
      const user = await s().signUp();
      const { cookie: stolen } = await enableTwoFactor(s(), user);
      const paths = ["/two-factor/disable", "/two-factor/generate-backup-codes", "/two-factor/get-totp-uri"];
      for (const path of paths) {
        const answer = await s().web(`/api/auth${path}`, {
          cookie: stolen,
          ip: newIp(),
          json: { password: user.password },
        });
        expect([answer.status, code(answer)], path).toEqual([400, "INVALID_CODE"]);
      }
      const session = await s().web("/api/auth/get-session", { cookie: stolen, ip: newIp() });
      expect(session.json<{ user: { twoFactorEnabled: boolean } }>().user.twoFactorEnabled).toBe(true);
    },
    { concurrent: true },
  );
});
