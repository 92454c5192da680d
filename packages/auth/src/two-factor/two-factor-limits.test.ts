// How wrong two-factor codes are limited (decision 017), against a real Better Auth server and real
// databases: during sign-in they count toward the account lockout together with wrong passwords;
// while signed in, toward the password re-entry lockout; Better Auth's own limits stay on.
import {
  type AuthServer,
  createTestDatabase,
  type StartAuthServerOptions,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";
import { listSecurityEvents } from "../security/events.ts";
import { codeOf, TEST_PASSWORD as PASSWORD, TestBrowser, withTwoFactor } from "./test-browser.ts";

describe.each(testDialects())(
  "two-factor limits (%s)",
  (dialect) => {
    let database: TestDatabase | undefined;
    let auth: AuthServer | undefined;

    async function start(options: Omit<StartAuthServerOptions, "database"> = {}): Promise<AuthServer> {
      database = await createTestDatabase(dialect);
      auth = await startAuthServer({ database, ...options });
      return auth;
    }
    afterEach(async () => {
      await auth?.close();
      await database?.cleanup();
    });

    async function events(userId: string) {
      return listSecurityEvents(database?.db ?? fail(), userId, 50);
    }
    function fail(): never {
      throw new Error("no database");
    }

    it("counts wrong codes toward the account lockout, with wrong passwords, then refuses even the right code", async () => {
      const server = await start({ lockout: { maxFailures: 4 } });
      const { email, userId, app, backupCodes } = await withTwoFactor(server);

      const first = new TestBrowser(server);
      expect(codeOf(await first.signIn(email, "not-my-password"))).toBe("INVALID_EMAIL_OR_PASSWORD");
      await first.signIn(email, PASSWORD);
      const wrong = await first.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      expect([wrong.status, codeOf(wrong)]).toEqual([401, "INVALID_CODE"]);
      const wrongBackup = await first.post("/two-factor/verify-backup-code", { code: "aaaaa-bbbbb" });
      expect(codeOf(wrongBackup)).toBe("INVALID_BACKUP_CODE");
      // The fourth failure engages the lock.
      await first.post("/two-factor/verify-totp", { code: await app.wrongCode() });

      const right = await first.post("/two-factor/verify-totp", { code: await app.code(1) });
      expect([right.status, codeOf(right)]).toEqual([429, "ACCOUNT_LOCKED"]);
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
      const backup = await first.post("/two-factor/verify-backup-code", { code: backupCodes[0] });
      expect(codeOf(backup)).toBe("ACCOUNT_LOCKED");
      const password = await new TestBrowser(server).signIn(email, PASSWORD);
      expect([password.status, codeOf(password)]).toEqual([429, "ACCOUNT_LOCKED"]);

      const history = await events(userId);
      const failures = history.filter((e) => e.type === "sign_in_failed").map((e) => e.detail);
      expect(failures.sort()).toEqual(
        [null, "wrong authentication code", "wrong authentication code", "wrong backup code"].sort(),
      );
      expect(history.filter((e) => e.type === "lockout")).toHaveLength(1);
      expect(history.map((e) => e.type)).not.toContain("sign_in");
    });

    it("forgets the failures once the code step is passed", async () => {
      const server = await start({ lockout: { maxFailures: 3 } });
      const { email, app } = await withTwoFactor(server);
      const browser = new TestBrowser(server);
      await browser.signIn(email, PASSWORD);
      await browser.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      await browser.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      expect((await browser.post("/two-factor/verify-totp", { code: await app.code(1) })).status).toBe(200);
      const later = new TestBrowser(server);
      await later.signIn(email, PASSWORD);
      await later.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      await later.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      const third = await later.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      expect(codeOf(third)).toBe("INVALID_CODE");
      expect(codeOf(await new TestBrowser(server).signIn(email, PASSWORD))).toBe("ACCOUNT_LOCKED");
    });

    it("ends a code step after 5 wrong codes: the password must be entered again", async () => {
      const server = await start();
      const { email, app } = await withTwoFactor(server);
      const browser = new TestBrowser(server);
      await browser.signIn(email, PASSWORD);
      for (let i = 0; i < 5; i++)
        await browser.post("/two-factor/verify-totp", { code: await app.wrongCode() });
      const sixth = await browser.post("/two-factor/verify-totp", { code: await app.code(1) });
      expect(codeOf(sixth)).toBe("TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE");
      const after = await browser.post("/two-factor/verify-totp", { code: await app.code(1) });
      expect(codeOf(after)).toBe("INVALID_TWO_FACTOR_COOKIE");
      await browser.signIn(email, PASSWORD);
      expect((await browser.post("/two-factor/verify-totp", { code: await app.code(1) })).status).toBe(200);
    });

    it("counts wrong codes and passwords while signed in toward the re-entry lockout", async () => {
      const server = await start({ lockout: { maxFailures: 3 } });
      const { browser, app } = await withTwoFactor(server);
      await browser.post("/two-factor/disable", { password: PASSWORD, code: await app.wrongCode() });
      await browser.post("/two-factor/generate-backup-codes", {
        password: "not-my-password",
        code: await app.code(1),
      });
      await browser.post("/two-factor/disable", { password: PASSWORD });
      const locked = await browser.post("/two-factor/disable", {
        password: PASSWORD,
        code: await app.code(1),
      });
      expect([locked.status, codeOf(locked)]).toEqual([429, "TOO_MANY_PASSWORD_ATTEMPTS"]);
      const enable = await browser.post("/two-factor/enable", { password: PASSWORD });
      expect(codeOf(enable)).toBe("TOO_MANY_PASSWORD_ATTEMPTS");
    });

    it("rate-limits the two-factor endpoints: 3 requests per 10 seconds per client", async () => {
      const server = await start({ rateLimit: true });
      const { email, app } = await withTwoFactor(server);
      const browser = new TestBrowser(server);
      await browser.signIn(email, PASSWORD);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await browser.post("/two-factor/verify-backup-code", { code: `guess-${i}` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const right = await browser.post("/two-factor/verify-totp", { code: await app.code(1) });
      expect(right.status).not.toBe(429); // a bucket per endpoint
    });
  },
  60_000,
);
