// Account recovery over email (decision 015), attacked over HTTP with the mail read from the stack's
// own catcher. Reset links are single use and expire; known and unknown addresses get the same
// answer; limits per client address and per address; links never follow a forged Host; tokens
// never reach a log; a reset reaches the API within the revocation bound; required verification
// keeps API tokens from unverified accounts.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { baseEnv, type Env, freePort, webCommand } from "@tandem/stack";
import { describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { mailTo, newPassword, requestReset, resetPassword, resetToken, unknownEmail } from "./lib/mail.ts";
import { BOUND_MS, expectAcceptedNow, refusedWithinBound } from "./lib/revocation.ts";
import { dialects, newIp, type SecurityStack, targets, useStack } from "./lib/stack.ts";

const FLOOR_MS = 500;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function signInStatus(s: SecurityStack, email: string, password: string): Promise<number> {
  return (await s.web("/api/auth/sign-in/email", { json: { email, password }, ip: newIp() })).status;
}

/** A raw request with headers fetch will not forge (Host). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Starts the production web server with `env` until it exits or listens (then stops it). */
async function startWebOnce(env: Env): Promise<{ code: number | "listening"; output: string }> {
  const port = await freePort();
  const { command, args, cwd } = webCommand("start", port);
  const child = spawn(command, args, {
    cwd,
    env: {
      ...baseEnv(),
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: `http://localhost:${port}`,
      // Never opened: the server checks its configuration before it serves anything.
      DATABASE_URL: `file:${join(tmpdir(), `tandem-config-${port}.db`)}`,
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | "listening">((resolve) => {
    child.on("exit", (exit) => resolve(exit ?? 1));
    const poll = setInterval(() => {
      if (/listening on port/i.test(output)) {
        clearInterval(poll);
        resolve("listening");
      }
    }, 50);
    child.on("exit", () => clearInterval(poll));
  });
  if (child.exitCode === null) {
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  return { code, output };
}

describe.each(dialects())("14. password reset over email (%s)", (dialect) => {
  const s = useStack(dialect);

  attack(
    "use a reset link twice",
    "first use sets the password (the old one stops working); the second is 400 INVALID_TOKEN",
    async () => {
      const user = await s().signUp();
      const token = await resetToken(s(), user.email);
      const password = newPassword();
      expect((await resetPassword(s(), token, password)).status).toBe(200);
      const again = await resetPassword(s(), token, newPassword());
      expect(again.status).toBe(400);
      expect(again.json().code).toBe("INVALID_TOKEN");
      expect(await signInStatus(s(), user.email, user.password)).toBe(401);
      expect(await signInStatus(s(), user.email, password)).toBe(200);
    },
  );

  attack(
    "use a reset link after its hour is over",
    "400 INVALID_TOKEN and the password unchanged",
    async () => {
      const user = await s().signUp();
      const token = await resetToken(s(), user.email);
      const past = new Date(Date.now() - 1000);
      await sql`update verification set "expiresAt" = ${dialect === "postgres" ? past : past.toISOString()}
        where identifier = ${`reset-password:${token}`}`.execute(s().db.db);
      const late = await resetPassword(s(), token, newPassword());
      expect(late.status).toBe(400);
      expect(late.json().code).toBe("INVALID_TOKEN");
      expect(await signInStatus(s(), user.email, user.password)).toBe(200);
    },
  );

  attack(
    "open the reset link in a browser",
    "303 to /reset-password without the token, which moves to an HttpOnly cookie for that path; the page never shows it",
    async () => {
      const user = await s().signUp();
      const token = await resetToken(s(), user.email);
      const opened = await s().web(`/reset-password?token=${encodeURIComponent(token)}`, { origin: null });
      expect(opened.status).toBe(303);
      expect(new URL(opened.headers.get("location") ?? "", s().webUrl).search).toBe("");
      const cookie = opened.cookies.find((c) => c.startsWith("tandem.reset-token="));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Path=\/reset-password/i);
      const pair = (cookie ?? "").split(";", 1)[0] ?? "";
      const page = await s().web("/reset-password", { cookie: pair, origin: null });
      expect(page.status).toBe(200);
      expect(page.text).toContain("New password");
      expect(page.text).not.toContain(token);
      expect((await resetPassword(s(), token, newPassword())).status).toBe(200);
      const spent = await s().web("/reset-password", { cookie: pair, origin: null });
      expect(spent.text).toContain("expired or has already been used");
    },
  );

  attack(
    "ask for resets of a known and an unknown address",
    `the same status, body and headers, neither sooner than ${FLOOR_MS} ms; mail only to the account`,
    async () => {
      const user = await s().signUp();
      const nobody = unknownEmail();
      const known = await timed(() => requestReset(s(), user.email));
      const unknown = await timed(() => requestReset(s(), nobody));
      expect(unknown.result.status).toBe(known.result.status);
      expect(unknown.result.text).toBe(known.result.text);
      const names = (r: typeof known.result) => [...r.headers.keys()].filter((n) => n !== "date").sort();
      expect(names(unknown.result)).toEqual(names(known.result));
      expect(known.ms).toBeGreaterThanOrEqual(FLOOR_MS - 5);
      expect(unknown.ms).toBeGreaterThanOrEqual(FLOOR_MS - 5);
      await mailTo(s(), user.email, /reset your tandem password/i);
      expect(
        s()
          .stack.mail.messages()
          .some((m) => m.to.some((to) => to.includes(nobody))),
      ).toBe(false);
    },
  );

  attack(
    "ask for six resets a minute from one client address",
    "the sixth is 429 with Retry-After",
    async () => {
      const ip = newIp();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await requestReset(s(), unknownEmail(), ip)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    },
  );

  attack(
    "ask for four resets of one address from four client addresses, known and unknown",
    "the fourth is 429 TOO_MANY_EMAILS with Retry-After, alike for both",
    async () => {
      const user = await s().signUp();
      for (const email of [user.email, unknownEmail()]) {
        const answers = [];
        for (let i = 0; i < 4; i += 1) answers.push(await requestReset(s(), email));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
        expect(answers[3]?.json().code).toBe("TOO_MANY_EMAILS");
        expect(Number(answers[3]?.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    },
  );

  attack(
    "ask for a reset with a forged Host and X-Forwarded-Host",
    "the link in the mail still points at BETTER_AUTH_URL",
    async () => {
      const user = await s().signUp();
      const status = await rawPost(
        `${s().webUrl}/api/auth/request-password-reset`,
        {
          host: "evil.example",
          "x-forwarded-host": "evil.example",
          "x-forwarded-proto": "https",
          origin: new URL(s().issuer).origin,
          "content-type": "application/json",
          "x-real-ip": newIp(),
        },
        JSON.stringify({ email: user.email }),
      );
      expect(status).toBe(200);
      const message = await mailTo(s(), user.email, /reset your tandem password/i);
      expect(message.links.length).toBeGreaterThan(0);
      for (const link of message.links) expect(link.startsWith(`${s().issuer}/`), link).toBe(true);
      expect(`${message.text}${message.html}`).not.toContain("evil.example");
    },
  );

  attack(
    "complete, reuse and mistype reset links, then read every service's log",
    "neither the token nor the link appears in any log line",
    async () => {
      const user = await s().signUp();
      const token = await resetToken(s(), user.email);
      await s().web(`/reset-password?token=${encodeURIComponent(token)}`, { origin: null });
      expect((await resetPassword(s(), token, newPassword())).status).toBe(200);
      expect((await resetPassword(s(), token, newPassword())).status).toBe(400);
      expect((await resetPassword(s(), `${token}x`, newPassword())).status).toBe(400);
      const leaks = s()
        .logs()
        .filter((line) => line.includes(token));
      expect(leaks).toEqual([]);
    },
  );
});

describe.each(dialects())("14. mail delivery failing (%s)", (dialect) => {
  // Port 9 (discard) on loopback is closed here: every send fails at once.
  const s = useStack(dialect, { web: { SMTP_URL: "smtp://127.0.0.1:9", MAIL_TIMEOUT_MS: "2000" } });

  attack(
    "ask for a reset while the SMTP server is unreachable",
    "the usual 200; one log line says the mail was not sent, without the token; sign-in keeps working",
    async () => {
      const user = await s().signUp();
      expect((await requestReset(s(), user.email)).status).toBe(200);
      const { rows } = await sql<{ identifier: string }>`select identifier from verification
        where identifier like 'reset-password:%' and value = ${user.id}`.execute(s().db.db);
      const token = rows[0]?.identifier.slice("reset-password:".length) ?? "";
      expect(token).not.toBe("");
      const deadline = Date.now() + 10_000;
      while (
        !s()
          .logs()
          .some((line) => /reset-password.*not sent/i.test(line)) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(
        s()
          .logs()
          .some((line) => /reset-password.*not sent/i.test(line)),
      ).toBe(true);
      expect(
        s()
          .logs()
          .filter((line) => line.includes(token)),
      ).toEqual([]);
      expect(await signInStatus(s(), user.email, user.password)).toBe(200);
    },
  );
});

describe.each(targets())("14. a reset reaches the API ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });

  attack(
    "reset the password while two devices hold API tokens",
    `both tokens refused within ${BOUND_MS / 1000} s (+ margin); the new password signs in`,
    async () => {
      const user = await s().signUp();
      const other = await s().signIn(user.email, user.password);
      await expectAcceptedNow(s(), user.token);
      await expectAcceptedNow(s(), other.token);
      const token = await resetToken(s(), user.email);
      const password = newPassword();
      expect((await resetPassword(s(), token, password)).status).toBe(200);
      const since = Date.now();
      const ms = await Promise.all([user.token, other.token].map((t) => refusedWithinBound(s(), t, since)));
      console.info(`[${backend}, ${dialect}] password reset reached the API after ${Math.max(...ms)} ms`);
      expect((await s().web("/api/auth/token", { cookie: user.cookie, ip: user.ip })).status).toBe(401);
      expect(await signInStatus(s(), user.email, password)).toBe(200);
    },
  );
});

describe.each(dialects())("14. verification required (%s)", (dialect) => {
  const s = useStack(dialect, { web: { AUTH_REQUIRE_EMAIL_VERIFICATION: "true" } });

  attack(
    "sign up, sign in and mint API tokens before verifying; then verify, then reuse the link",
    "no session and 403 EMAIL_NOT_VERIFIED; /token 403 for an unverified session; the link works once",
    async () => {
      const email = unknownEmail();
      const password = newPassword();
      const ip = newIp();
      const up = await s().web("/api/auth/sign-up/email", { json: { name: "Vera", email, password }, ip });
      expect(up.status).toBe(200);
      expect(up.cookies.some((c) => /session_token=[^;]/.test(c))).toBe(false);
      const refused = await s().web("/api/auth/sign-in/email", { json: { email, password }, ip: newIp() });
      expect(refused.status).toBe(403);
      expect(refused.json().code).toBe("EMAIL_NOT_VERIFIED");

      const message = await mailTo(s(), email, /verify your email/i);
      const link = message.links.find((l) => l.startsWith(`${s().issuer}/api/auth/verify-email?`));
      expect(link).toBeDefined();
      const path = new URL(link as string);
      const opened = await s().web(`${path.pathname}${path.search}`, { origin: null, ip: newIp() });
      expect(opened.status).toBe(302);
      expect(opened.headers.get("location")).toBe("/email-verified");
      const cookie = (opened.cookies.find((c) => /session_token=/.test(c)) ?? "").split(";", 1)[0] ?? "";
      expect((await s().web("/api/auth/token", { cookie, ip: newIp() })).status).toBe(200);

      // An insider marks the account unverified again (as if verification became required later).
      await sql`update "user" set "emailVerified" = ${dialect === "postgres" ? false : 0} where email = ${email}`.execute(
        s().db.db,
      );
      const minted = await s().web("/api/auth/token", { cookie, ip: newIp() });
      expect(minted.status).toBe(403);
      expect(minted.json().code).toBe("EMAIL_VERIFICATION_REQUIRED");
      const session = await s().web("/api/auth/get-session", { cookie, ip: newIp() });
      expect(session.headers.get("set-auth-jwt")).toBeNull();

      const reused = await s().web(`${path.pathname}${path.search}`, { origin: null, ip: newIp() });
      expect(reused.status).toBe(302);
      expect(reused.headers.get("location")).toMatch(/error=LINK_ALREADY_USED/);
    },
  );
});

describe("14. email configuration", () => {
  attack(
    "start the web app in production without SMTP_URL",
    "it refuses to start with one clear line; with EMAIL=off it starts",
    async () => {
      const refused = await startWebOnce({});
      expect(refused.code).toBe(1);
      expect(refused.output).toContain("SMTP_URL is required in production");
      expect(refused.output).not.toMatch(/\n\s+at /); // no stack trace
      const bad = await startWebOnce({ SMTP_URL: "http://user:hunter2@mail.example.com" });
      expect(bad.code).toBe(1);
      expect(bad.output).toContain("SMTP_URL must start with smtp:// or smtps://");
      expect(bad.output).not.toContain("hunter2");
      const off = await startWebOnce({ EMAIL: "off" });
      expect(off.code).toBe("listening");
    },
  );
});
