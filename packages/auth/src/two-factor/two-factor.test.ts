// Two-factor sign-in (decision 017) against a real Better Auth server and real databases: turning
// it on with one valid code, the code step of sign-in, backup codes, trusted devices, turning it
// off and replacing the codes with password plus code, the history entries and the claims. The
// clock is Date only, moved by whole 30-second steps, because each authenticator code works once.
import {
  type AuthServer,
  createTestDatabase,
  decodeToken,
  recordingMailer,
  SESSION_COOKIE,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { listSecurityEvents } from "../security/events.ts";
import { TOTP } from "./codes.ts";
import {
  authenticator,
  codeOf,
  signedUp as signedUpIn,
  TEST_PASSWORD as PASSWORD,
  TestBrowser,
  TRUST_DEVICE_COOKIE,
  TWO_FACTOR_COOKIE,
  withTwoFactor as withTwoFactorIn,
} from "./test-browser.ts";
import { BACKUP_CODE_COUNT, TRUST_DEVICE_SECONDS } from "./two-factor.ts";

describe.each(testDialects())(
  "two-factor (%s)",
  (dialect) => {
    let database: TestDatabase;
    let auth: AuthServer;
    let outbox: ReturnType<typeof recordingMailer>;

    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      outbox = recordingMailer();
      auth = await startAuthServer({
        database,
        email: { mailer: outbox.mailer, log: { error: () => undefined } },
      });
      // Date only (timers stay real), 5 s into a time step, so a test never straddles two by chance.
      const start = (Math.floor(Date.now() / 30_000) + 1) * 30_000 + 5_000;
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(start);
    });
    afterEach(async () => {
      vi.useRealTimers();
      await auth.close();
      await database.cleanup();
    });

    /** Moves the clock to the next authenticator time step. */
    const nextStep = () => vi.setSystemTime(Date.now() + TOTP.period * 1000);

    const signedUp = () => signedUpIn(auth);
    const withTwoFactor = () => withTwoFactorIn(auth);

    async function types(userId: string) {
      return (await listSecurityEvents(database.db, userId, 50)).map((e) => e.type);
    }

    async function sessionRow(browser: TestBrowser) {
      const answer = await browser.request("GET", "/get-session");
      return (
        (answer.body as { session: { id: string; createdAt: string; amr?: string } } | null)?.session ?? null
      );
    }

    it("takes effect only once a valid code is entered, then asks for a code at sign-in", async () => {
      const { browser, email, userId } = await signedUp();
      const noPassword = await browser.post("/two-factor/enable", {});
      expect(noPassword.status).toBe(400);
      const wrongPassword = await browser.post("/two-factor/enable", { password: "not-my-password" });
      expect(codeOf(wrongPassword)).toBe("INVALID_PASSWORD");

      const enabled = await browser.post("/two-factor/enable", { password: PASSWORD });
      const { totpURI, backupCodes } = enabled.body as { totpURI: string; backupCodes: string[] };
      const uri = new URL(totpURI);
      expect(uri.protocol).toBe("otpauth:");
      expect(uri.host).toBe("totp");
      expect(decodeURIComponent(uri.pathname)).toBe(`/Tandem:${email}`);
      expect(uri.searchParams.get("issuer")).toBe("Tandem");
      expect(backupCodes).toHaveLength(BACKUP_CODE_COUNT);
      expect(new Set(backupCodes).size).toBe(BACKUP_CODE_COUNT);

      // Not on yet: another browser still signs in with the password alone.
      const meanwhile = await new TestBrowser(auth).signIn(email, PASSWORD);
      expect(meanwhile.body).not.toHaveProperty("twoFactorRedirect");
      expect(await types(userId)).not.toContain("two_factor_enabled");

      const app = authenticator(totpURI);
      const wrong = await browser.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      expect([wrong.status, codeOf(wrong)]).toEqual([401, "INVALID_CODE"]);
      const before = await sessionRow(browser);
      const verified = await browser.post("/two-factor/verify-totp", { code: await app.code() });
      expect(verified.status).toBe(200);
      // Turning it on is recorded as such, not as a sign-in (the one sign-in is the other browser's).
      const recorded = await types(userId);
      expect(recorded).toContain("two_factor_enabled");
      expect(recorded.filter((type) => type === "sign_in")).toHaveLength(1);
      await expect
        .poll(() => outbox.sent.map((m) => m.text).join("\n"))
        .toContain("Two-factor authentication was turned on");

      // Better Auth replaced the session; how and when this browser signed in did not change.
      const after = await sessionRow(browser);
      expect(after?.id).not.toBe(before?.id);
      expect(after?.amr).toBe("pwd");
      expect(new Date(after?.createdAt ?? 0).getTime()).toBe(new Date(before?.createdAt ?? 1).getTime());

      const next = new TestBrowser(auth);
      const first = await next.signIn(email, PASSWORD);
      expect(first.body).toMatchObject({ twoFactorRedirect: true, twoFactorMethods: ["totp"] });
      expect(next.has(SESSION_COOKIE)).toBe(false);
      expect(next.has(TWO_FACTOR_COOKIE)).toBe(true);
    });

    it("signs in with a code into a session whose token says pwd otp mfa", async () => {
      const { email, app } = await withTwoFactor();
      const browser = new TestBrowser(auth);
      await browser.signIn(email, PASSWORD);
      // The next step's code is accepted already (clock drift); the current one was used to enable.
      const verified = await browser.post("/two-factor/verify-totp", { code: await app.code(1) });
      expect(verified.status).toBe(200);
      expect(browser.has(SESSION_COOKIE)).toBe(true);
      expect(browser.has(TWO_FACTOR_COOKIE)).toBe(false);
      const token = await browser.request("GET", "/token");
      const claims = decodeToken((token.body as { token: string }).token).payload;
      expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
      expect(claims.auth_time).toBe(Math.floor(Date.now() / 1000));
    });

    it("accepts each authenticator code once", async () => {
      const { email, app } = await withTwoFactor();
      const reused = new TestBrowser(auth);
      await reused.signIn(email, PASSWORD);
      // The code that turned two-factor on is still within its 30 seconds, but used.
      const replay = await reused.post("/two-factor/verify-totp", { code: await app.code() });
      expect([replay.status, codeOf(replay)]).toEqual([401, "INVALID_CODE"]);
      const next = await app.code(1);
      expect((await reused.post("/two-factor/verify-totp", { code: next })).status).toBe(200);
      const other = new TestBrowser(auth);
      await other.signIn(email, PASSWORD);
      const again = await other.post("/two-factor/verify-totp", { code: next });
      expect(codeOf(again)).toBe("INVALID_CODE");
      nextStep();
      nextStep();
      expect((await other.post("/two-factor/verify-totp", { code: await app.code() })).status).toBe(200);
    });

    it("signs in with a backup code once, and records it", async () => {
      const { email, userId, backupCodes } = await withTwoFactor();
      const [code = ""] = backupCodes;
      const browser = new TestBrowser(auth);
      await browser.signIn(email, PASSWORD);
      const used = await browser.post("/two-factor/verify-backup-code", { code });
      expect(used.status).toBe(200);
      expect(browser.has(SESSION_COOKIE)).toBe(true);
      const token = await browser.request("GET", "/token");
      expect(decodeToken((token.body as { token: string }).token).payload.amr).toEqual(["pwd", "otp", "mfa"]);
      const events = await listSecurityEvents(database.db, userId, 50);
      expect(events.find((e) => e.type === "backup_code_used")?.detail).toBe("9 backup codes left");

      const again = new TestBrowser(auth);
      await again.signIn(email, PASSWORD);
      const reused = await again.post("/two-factor/verify-backup-code", { code });
      expect([reused.status, codeOf(reused)]).toEqual([401, "INVALID_BACKUP_CODE"]);
      expect(again.has(SESSION_COOKIE)).toBe(false);
      const other = await again.post("/two-factor/verify-backup-code", { code: backupCodes[1] ?? "" });
      expect(other.status).toBe(200);
    });

    it("skips the code for 30 days on a device the user trusts", async () => {
      const { email, app } = await withTwoFactor();
      const browser = new TestBrowser(auth);
      await browser.signIn(email, PASSWORD);
      const verified = await browser.post("/two-factor/verify-totp", {
        code: await app.code(1),
        trustDevice: true,
      });
      expect(verified.status).toBe(200);
      const trust = verified.headers.getSetCookie().find((c) => c.startsWith(`${TRUST_DEVICE_COOKIE}=`));
      expect(trust).toMatch(new RegExp(`Max-Age=${TRUST_DEVICE_SECONDS}`, "i"));
      expect(trust).toMatch(/HttpOnly/i);

      await browser.post("/sign-out");
      const trusted = await browser.signIn(email, PASSWORD);
      expect(trusted.body).not.toHaveProperty("twoFactorRedirect");
      expect(browser.has(SESSION_COOKIE)).toBe(true);

      // Another browser, without the cookie, is asked for a code.
      const other = await new TestBrowser(auth).signIn(email, PASSWORD);
      expect(other.body).toMatchObject({ twoFactorRedirect: true });
      // Nor does the cookie work for another account.
      const someoneElse = await withTwoFactor();
      const borrowing = new TestBrowser(auth);
      borrowing.cookies.set(TRUST_DEVICE_COOKIE, browser.cookies.get(TRUST_DEVICE_COOKIE) ?? "");
      const borrowed = await borrowing.signIn(someoneElse.email, PASSWORD);
      expect(borrowed.body).toMatchObject({ twoFactorRedirect: true });
    });
  },
  60_000,
);
