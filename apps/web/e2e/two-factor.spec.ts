// Two-factor sign-in (decision 017) in a real browser: turned on in settings with a real code
// computed from the otpauth URI the page offers (RFC 6238 here, independently of the server's
// library, as an authenticator app would), the code step of sign-in, a trusted device, backup codes
// (each once), replacing them, and turning two-factor off with the password and a code.
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Browser, Locator, Page } from "@playwright/test";
import { expect, signInViaUi, test, type TestUser, WEB_URL } from "./fixtures";

const PERIOD_MS = 30_000;

function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}

/** An authenticator app that scanned the otpauth URI: RFC 6238 with SHA-1, 6 digits, 30 s. */
function authenticator(uri: string) {
  const parsed = new URL(uri);
  expect(parsed.protocol).toBe("otpauth:");
  expect(parsed.host).toBe("totp");
  const key = base32Decode(parsed.searchParams.get("secret") ?? "");
  const step = () => Math.floor(Date.now() / PERIOD_MS);
  const hotp = (counter: number) => {
    const message = Buffer.alloc(8);
    message.writeBigUInt64BE(BigInt(counter));
    const digest = createHmac("sha1", key).update(message).digest();
    const offset = (digest.at(-1) ?? 0) & 0x0f;
    const value = digest.readUInt32BE(offset) & 0x7fffffff;
    return String(value % 1_000_000).padStart(6, "0");
  };
  let last = Number.NEGATIVE_INFINITY;
  return {
    /**
     * A code the server has not seen yet: each works once, so after the current one comes the
     * next (accepted a step early), after that the test waits for the clock.
     */
    async next(page: Page): Promise<string> {
      const wait = last * PERIOD_MS - Date.now() + 200;
      if (wait > 0) await page.waitForTimeout(wait);
      last = Math.max(last + 1, step());
      return hotp(last);
    },
    /** The code given out last (used by now). */
    used: () => hotp(last),
    /** A code this app does not show at all now. */
    wrong: () => String((Number(hotp(step())) + 500_000) % 1_000_000).padStart(6, "0"),
  };
}

function section(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

/** Turns two-factor on from settings; returns the authenticator, the step it used and the codes. */
async function enableTwoFactor(page: Page, user: TestUser) {
  await page.goto("/settings");
  const twoFactor = section(page, "Two-factor authentication");
  await twoFactor.getByRole("button", { name: "Enable two-factor" }).click();
  await twoFactor.getByLabel("Password", { exact: true }).fill(user.password);
  await twoFactor.getByRole("button", { name: "Continue" }).click();

  await expect(twoFactor.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const uri = await twoFactor
    .getByRole("link", { name: /Open in an authenticator app/ })
    .getAttribute("href");
  const app = authenticator(uri ?? "");
  const secret = new URL(uri ?? "").searchParams.get("secret") ?? "";
  await expect(twoFactor.getByLabel("Setup key")).toHaveText(secret.replace(/(.{4})(?=.)/g, "$1 "));

  await twoFactor.getByLabel("Authentication code", { exact: true }).fill(await app.next(page));
  await twoFactor.getByRole("button", { name: "Verify and turn on" }).click();
  await expect(twoFactor.getByRole("status")).toContainText("Two-factor authentication is on.");
  const list = twoFactor.getByRole("list", { name: "Backup codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = (await list.getByRole("listitem").allTextContents()).map((code) => code.trim());
  return { app, codes };
}

/** The form's alert (Next.js keeps an empty route announcer with role=alert on every page). */
function alertIn(scope: Page | Locator) {
  return scope.getByRole("alert").filter({ hasText: /\S/ });
}

async function signOut(page: Page) {
  await page.goto("/settings");
  await section(page, "Sign out").getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** The password step; the code step follows when two-factor is on. */
async function signInWithPassword(page: Page, user: TestUser) {
  if (!/\/sign-in/.test(page.url())) await page.goto("/sign-in");
  await signInViaUi(page, user);
}

async function useBackupCode(page: Page, code: string) {
  await page.getByRole("switch", { name: "Use a backup code" }).click();
  await page.getByLabel("Backup code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ baseURL: WEB_URL() });
  return context.newPage();
}

test("on with a real code; sign-in asks for one, a trusted device skips it; off with password and code", async ({
  page,
  browser,
  context,
  user,
  consoleErrors,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { app, codes } = await enableTwoFactor(page, user);
  const twoFactor = section(page, "Two-factor authentication");

  // The codes are offered once, to copy and to download.
  await twoFactor.getByRole("button", { name: "Copy codes" }).click();
  await expect(twoFactor.getByText("Backup codes copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join("\n"));
  const downloading = page.waitForEvent("download");
  await twoFactor.getByRole("button", { name: "Download codes" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("tandem-backup-codes.txt");
  const text = await readFile((await download.path()) ?? "", "utf8");
  for (const code of codes) expect(text).toContain(code);
  await twoFactor.getByRole("button", { name: "I've saved them" }).click();
  await expect(twoFactor).toContainText("Two-factor authentication is on. 10 backup codes left.");

  // Sign-in now has a code step; this device is trusted from here on.
  await signOut(page);
  await signInWithPassword(page, user);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.getByLabel("Authentication code", { exact: true }).fill(await app.next(page));
  await page.getByLabel("Trust this device for 30 days").check();
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(page).toHaveURL(/\/tasks/);
  await signOut(page);
  await signInWithPassword(page, user);
  await expect(page).toHaveURL(/\/tasks/);

  // Another browser: a backup code works once.
  const other = await newPage(browser);
  consoleErrors.watch(other);
  await signInWithPassword(other, user);
  await useBackupCode(other, codes[0] ?? "");
  await expect(other).toHaveURL(/\/tasks/);
  await signOut(other);
  await signInWithPassword(other, user);
  await useBackupCode(other, codes[0] ?? "");
  await expect(alertIn(other)).toHaveText("That backup code isn't right, or it has been used already.");
  await expect(other).toHaveURL(/\/sign-in/);
  await other.context().close();

  // Off: the password and a code (one not used before).
  await page.goto("/settings");
  await expect(twoFactor).toContainText("9 backup codes left.");
  await twoFactor.getByRole("button", { name: "Disable two-factor" }).click();
  await twoFactor.getByLabel("Password", { exact: true }).fill(user.password);
  await twoFactor.getByLabel("Authentication code", { exact: true }).fill(app.used());
  await twoFactor.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(alertIn(twoFactor)).toContainText("That code isn't right, or it was used already.");
  await twoFactor.getByLabel("Authentication code", { exact: true }).fill(await app.next(page));
  await twoFactor.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(twoFactor.getByRole("status")).toHaveText("Two-factor authentication is off.");
  await expect(twoFactor.getByRole("button", { name: "Enable two-factor" })).toBeVisible();
  await expect(section(page, "Security history")).toContainText("Two-factor authentication turned off");

  const fresh = await newPage(browser);
  await signInWithPassword(fresh, user);
  await expect(fresh).toHaveURL(/\/tasks/);
  await fresh.context().close();
});

test("new backup codes need the password and a code, and replace the old ones", async ({
  page,
  browser,
  user,
}) => {
  const { app, codes } = await enableTwoFactor(page, user);
  const twoFactor = section(page, "Two-factor authentication");
  await twoFactor.getByRole("button", { name: "I've saved them" }).click();
  await twoFactor.getByRole("button", { name: "Regenerate backup codes" }).click();
  await twoFactor.getByLabel("Password", { exact: true }).fill(user.password);
  await twoFactor.getByLabel("Authentication code", { exact: true }).fill(await app.next(page));
  await twoFactor.getByRole("button", { name: "Generate new codes" }).click();
  const list = twoFactor.getByRole("list", { name: "Backup codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const fresh = (await list.getByRole("listitem").allTextContents()).map((code) => code.trim());
  expect(fresh.filter((code) => codes.includes(code))).toEqual([]);
  await twoFactor.getByRole("button", { name: "I've saved them" }).click();
  await expect(section(page, "Security history")).toContainText("New backup codes generated");

  const other = await newPage(browser);
  await signInWithPassword(other, user);
  await useBackupCode(other, codes[1] ?? "");
  await expect(alertIn(other)).toHaveText("That backup code isn't right, or it has been used already.");
  await other.getByLabel("Backup code", { exact: true }).fill(fresh[1] ?? "");
  await other.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(other).toHaveURL(/\/tasks/);
  await other.context().close();
});

test("a wrong authentication code is refused with a readable message, and the step can start over", async ({
  page,
  user,
}) => {
  const { app } = await enableTwoFactor(page, user);
  await section(page, "Two-factor authentication").getByRole("button", { name: "I've saved them" }).click();
  await signOut(page);
  await signInWithPassword(page, user);
  await page.getByLabel("Authentication code", { exact: true }).fill(app.wrong());
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect(alertIn(page)).toHaveText(
    "That code isn't right. Enter the 6-digit code your authenticator app shows now.",
  );
  await page.getByRole("button", { name: "Start over" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});
