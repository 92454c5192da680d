// Turning two-factor off and replacing the backup codes (decision 017) against a real Better Auth
// server and real databases: Better Auth asks for the password only; Tandem also wants a current
// code, keeps the session's sign-in facts, and records both changes.
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { listSecurityEvents } from "../security/events.ts";
import { FRESH_SIGN_IN_SECONDS } from "../sign-in-methods/fresh-sign-in.ts";
import { TOTP } from "./codes.ts";
import { codeOf, TEST_PASSWORD as PASSWORD, TestBrowser, withTwoFactor } from "./test-browser.ts";
import { BACKUP_CODE_COUNT } from "./two-factor.ts";

describe.each(testDialects())(
  "two-factor changes (%s)",
  (dialect) => {
    let database: TestDatabase;
    let auth: AuthServer;

    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      auth = await startAuthServer({ database });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime((Math.floor(Date.now() / 30_000) + 1) * 30_000 + 5_000);
    });
    afterEach(async () => {
      vi.useRealTimers();
      await auth.close();
      await database.cleanup();
    });

    const nextStep = () => vi.setSystemTime(Date.now() + TOTP.period * 1000);
    const types = async (userId: string) =>
      (await listSecurityEvents(database.db, userId, 50)).map((e) => e.type);
    const session = async (browser: TestBrowser) =>
      ((await browser.request("GET", "/get-session")).body as {
        user: { twoFactorEnabled: boolean };
        session: { createdAt: string; amr: string | null };
      } | null) ?? null;

    it("turns off only with the password and a current code", async () => {
      const { browser, email, userId, app } = await withTwoFactor(auth);
      const passwordOnly = await browser.post("/two-factor/disable", { password: PASSWORD });
      expect([passwordOnly.status, codeOf(passwordOnly)]).toEqual([400, "INVALID_CODE"]);
      const wrongCode = await browser.post("/two-factor/disable", {
        password: PASSWORD,
        code: await app.wrongCode(),
      });
      expect(codeOf(wrongCode)).toBe("INVALID_CODE");
      const wrongPassword = await browser.post("/two-factor/disable", {
        password: "not-my-password",
        code: await app.code(1),
      });
      expect(codeOf(wrongPassword)).toBe("INVALID_PASSWORD");
      expect((await session(browser))?.user.twoFactorEnabled).toBe(true);
      expect(await types(userId)).not.toContain("two_factor_disabled");

      // The code tried with the wrong password is spent: the one after it works.
      nextStep();
      const before = await session(browser);
      const disabled = await browser.post("/two-factor/disable", {
        password: PASSWORD,
        code: await app.code(1),
      });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      const after = await session(browser);
      expect(after?.user.twoFactorEnabled).toBe(false);
      expect(after?.session.amr).toBe(before?.session.amr);
      expect(after?.session.createdAt).toBe(before?.session.createdAt);
      expect(await types(userId)).toContain("two_factor_disabled");

      const signIn = await new TestBrowser(auth).signIn(email, PASSWORD);
      expect(signIn.body).not.toHaveProperty("twoFactorRedirect");
      // Off means off: the changes that need a code now say so.
      const again = await browser.post("/two-factor/disable", { password: PASSWORD, code: await app.code() });
      expect([again.status, codeOf(again)]).toEqual([400, "TWO_FACTOR_NOT_ENABLED"]);
    });

    it("turns off with the password and a backup code, for someone who lost the app", async () => {
      const { browser, backupCodes } = await withTwoFactor(auth);
      const disabled = await browser.post("/two-factor/disable", {
        password: PASSWORD,
        code: backupCodes[3],
      });
      expect(disabled.status).toBe(200);
      expect((await session(browser))?.user.twoFactorEnabled).toBe(false);
    });

    it("asks for a fresh sign-in before a code is even looked at", async () => {
      const { browser, email, userId, app } = await withTwoFactor(auth);
      await database.db
        .updateTable("session")
        .set({ createdAt: new Date(Date.now() - (FRESH_SIGN_IN_SECONDS + 5) * 1000).toISOString() })
        .where("userId", "=", userId)
        .execute();
      const code = await app.code(1);
      const stale = await browser.post("/two-factor/disable", { password: PASSWORD, code });
      expect([stale.status, codeOf(stale)]).toEqual([403, "FRESH_SIGN_IN_REQUIRED"]);
      // Not spent: the same code still finishes a sign-in.
      const other = new TestBrowser(auth);
      await other.signIn(email, PASSWORD);
      expect((await other.post("/two-factor/verify-totp", { code })).status).toBe(200);
    });

    it("replaces the backup codes with the password and a current code; the old ones stop working", async () => {
      const { browser, email, userId, app, backupCodes } = await withTwoFactor(auth);
      const passwordOnly = await browser.post("/two-factor/generate-backup-codes", { password: PASSWORD });
      expect([passwordOnly.status, codeOf(passwordOnly)]).toEqual([400, "INVALID_CODE"]);
      const regenerated = await browser.post("/two-factor/generate-backup-codes", {
        password: PASSWORD,
        code: await app.code(1),
      });
      expect(regenerated.status).toBe(200);
      const fresh = (regenerated.body as { backupCodes: string[] }).backupCodes;
      expect(fresh).toHaveLength(BACKUP_CODE_COUNT);
      expect(fresh.filter((c) => backupCodes.includes(c))).toEqual([]);
      expect(await types(userId)).toContain("backup_codes_regenerated");

      const other = new TestBrowser(auth);
      await other.signIn(email, PASSWORD);
      const old = await other.post("/two-factor/verify-backup-code", { code: backupCodes[0] });
      expect(codeOf(old)).toBe("INVALID_BACKUP_CODE");
      expect((await other.post("/two-factor/verify-backup-code", { code: fresh[0] })).status).toBe(200);
    });

    it("does not hand out the authenticator secret again for the password alone", async () => {
      const { browser, app, totpURI } = await withTwoFactor(auth);
      const passwordOnly = await browser.post("/two-factor/get-totp-uri", { password: PASSWORD });
      expect(codeOf(passwordOnly)).toBe("INVALID_CODE");
      const withCode = await browser.post("/two-factor/get-totp-uri", {
        password: PASSWORD,
        code: await app.code(1),
      });
      expect(withCode.body).toEqual({ totpURI });
    });
  },
  60_000,
);
