// Account and session management on /settings: name, email, password, sessions, deletion.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import {
  API_URL,
  linkFrom,
  mailbox,
  screenshot,
  expect,
  newUser,
  seedTasks,
  signInViaUi,
  signUpViaApi,
  test,
  type TestUser,
  WEB_URL,
} from "./fixtures";

const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/** A second, separate session of `user` (its own sign-in), in a new browser context. */
async function otherDevice(browser: Browser, user: TestUser, userAgent?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: WEB_URL(), ...(userAgent ? { userAgent } : {}) });
  const response = await context.request.post(`${WEB_URL()}/api/auth/sign-in/email`, {
    data: { email: user.email, password: user.password },
    headers: { Origin: WEB_URL() },
  });
  expect(response.status(), await response.text()).toBe(200);
  return context;
}

/** Whether a context is still signed in: /tasks either renders or sends it to sign-in. */
async function expectSignedOut(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.close();
}

async function expectSignedIn(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/tasks$/);
  await page.close();
}

function section(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

test("changing the name shows it after a reload", async ({ page, user: _user }) => {
  await page.goto("/settings");
  const profile = section(page, "Profile");
  await profile.getByLabel("Name", { exact: true }).fill("Grace Hopper");
  await profile.getByRole("button", { name: "Save name" }).click();
  await expect(profile.getByRole("status")).toHaveText("Your name is saved.");

  await page.reload();
  await expect(section(page, "Profile").getByLabel("Name", { exact: true })).toHaveValue("Grace Hopper");
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Grace Hopper");
});

test("changing the email needs the current password and the link sent to the new address", async ({
  page,
  browser,
  user,
}) => {
  await page.goto("/settings");
  const form = section(page, "Change email");
  const newEmail = newUser().email;
  await form.getByLabel("New email", { exact: true }).fill(newEmail);
  await form.getByLabel("Current password", { exact: true }).fill("not-my-password");
  await form.getByRole("button", { name: "Change email" }).click();
  await expect(form.getByRole("alert")).toHaveText("Your current password is wrong.");

  // The endpoint that skips the password check is not reachable from a browser.
  const direct = await page.request.post("/api/auth/change-email", {
    data: { newEmail: newUser().email },
    headers: { Origin: WEB_URL() },
  });
  expect(direct.status()).toBe(404);

  await form.getByLabel("Current password", { exact: true }).fill(user.password);
  await form.getByRole("button", { name: "Change email" }).click();
  await expect(form.getByRole("status")).toContainText(`We've sent a confirmation link to ${newEmail}`);
  // Nothing changes until the new address confirms.
  await page.reload();
  await expect(section(page, "Profile")).toContainText(user.email);

  const confirmation = await mailbox().waitFor(newEmail, (m) => /confirm your new email/i.test(m.subject));
  await page.goto(linkFrom(confirmation, "/api/auth/verify-email?"));
  await expect(page.getByRole("heading", { name: "Email changed" })).toBeVisible();
  await page.goto("/settings");
  await expect(section(page, "Profile")).toContainText(newEmail);
  await expect(section(page, "Profile")).toContainText("Verified");
  // The old address is told.
  const notice = await mailbox().waitFor(user.email, (m) => /email was changed/i.test(m.subject));
  expect(notice.text).toContain(newEmail);

  const fresh = await browser.newContext({ baseURL: WEB_URL() });
  const other = await fresh.newPage();
  await other.goto("/sign-in");
  await signInViaUi(other, { email: newEmail, password: user.password });
  await expect(other).toHaveURL(/\/tasks/);
  await fresh.close();
});

test("changing the password signs out other devices; the new password works", async ({
  page,
  browser,
  user,
}) => {
  const laptop = await otherDevice(browser, user);
  await expectSignedIn(laptop);

  await page.goto("/settings");
  const form = section(page, "Change password");
  await expect(form.getByLabel("Sign out my other devices")).toBeChecked();
  await form.getByLabel("Current password", { exact: true }).fill(user.password);
  await form.getByLabel("New password", { exact: true }).fill("a-brand-new-passphrase");
  await form.getByLabel("Confirm new password", { exact: true }).fill("a-brand-new-passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toContainText("Your password is changed");
  await mailbox().waitFor(user.email, (m) => /password was changed/i.test(m.subject));

  await expectSignedOut(laptop);
  await laptop.close();
  await expectSignedIn(page.context()); // this device got a new session

  const fresh = await browser.newContext({ baseURL: WEB_URL() });
  const other = await fresh.newPage();
  await other.goto("/sign-in");
  await signInViaUi(other, user);
  await expect(other.getByText("Wrong email or password.")).toBeVisible();
  await signInViaUi(other, { email: user.email, password: "a-brand-new-passphrase" });
  await expect(other).toHaveURL(/\/tasks/);
  await fresh.close();
});

test("signing out one session from the list ends only that session", async ({ page, browser, user }) => {
  const desktop = await otherDevice(browser, user, FIREFOX_ON_WINDOWS);
  await page.goto("/settings");
  const sessions = section(page, "Active sessions");
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByRole("listitem").filter({ hasText: "This device" })).toHaveCount(1);

  await sessions.getByRole("button", { name: /^Sign out Firefox on Windows/ }).click();
  await expect(sessions.getByRole("status")).toHaveText("Signed out that device.");
  await expect(sessions.getByRole("listitem")).toHaveCount(1);

  await expectSignedOut(desktop);
  await desktop.close();
  await expectSignedIn(page.context());
});

test("deleting the account removes it and its tasks", async ({ page, browser, user }) => {
  await seedTasks(page, [{ title: "Secret project plan" }, { title: "Dentist on Friday" }]);
  const phone = await otherDevice(browser, user);

  await page.goto("/settings");
  const form = section(page, "Delete account");
  await form.getByLabel("Password", { exact: true }).fill(user.password);
  await form.getByRole("button", { name: "Delete account" }).click();
  await expect(form.getByRole("alert")).toHaveText("Type DELETE to confirm.");
  await form.getByLabel("Type DELETE to confirm").fill("DELETE");
  await form.getByRole("button", { name: "Delete account" }).click();
  await expect(page).toHaveURL(`${WEB_URL()}/`);

  await expectSignedOut(phone);
  await phone.close();

  await page.goto("/sign-in");
  await signInViaUi(page, user);
  await expect(page.getByText("Wrong email or password.")).toBeVisible();

  // A new account with the same email starts empty.
  const fresh = await browser.newContext({ baseURL: WEB_URL() });
  const other = await fresh.newPage();
  await signUpViaApi(other, user);
  const tokenResponse = await other.request.get(`${WEB_URL()}/api/auth/token`);
  const { token } = (await tokenResponse.json()) as { token: string };
  const list = await other.request.get(`${API_URL()}/api/tasks`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(list.status()).toBe(200);
  expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  await other.goto("/tasks");
  await expect(other.getByText("Secret project plan")).toHaveCount(0);
  await fresh.close();
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test("settings page screenshot, keyboard reachable, fits a phone", async ({
      page,
      browser,
      user,
    }, testInfo) => {
      const desktop = await otherDevice(browser, user, FIREFOX_ON_WINDOWS);
      await page.goto("/settings");
      await expect(section(page, "Active sessions").getByRole("listitem")).toHaveCount(2);
      await screenshot(page, testInfo, `settings-${colorScheme}`);

      // Tab reaches the name field and its button without a mouse.
      await section(page, "Profile").getByLabel("Name", { exact: true }).focus();
      await page.keyboard.press("Tab");
      await expect(page.getByRole("button", { name: "Save name" })).toBeFocused();

      await page.setViewportSize({ width: 375, height: 812 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await desktop.close();
    });
  });
}

test("the security history lists failed and successful sign-ins, newest first", async ({
  page,
  browser,
  user,
}) => {
  // Another device: a wrong password first, then the right one.
  const other = await browser.newContext({ baseURL: WEB_URL(), userAgent: FIREFOX_ON_WINDOWS });
  const attempt = (password: string) =>
    other.request.post(`${WEB_URL()}/api/auth/sign-in/email`, {
      data: { email: user.email, password },
      headers: { Origin: WEB_URL() },
    });
  expect((await attempt(`${user.password}-wrong`)).status()).toBe(401);
  expect((await attempt(user.password)).status()).toBe(200);
  await other.close();

  await page.goto("/settings");
  const events = section(page, "Security history").getByRole("listitem");
  // Newest first: the sign-in from the new device (and its notice), the failure, then the account's start.
  await expect(events).toHaveCount(5);
  const texts = await events.allInnerTexts();
  const newest = texts.slice(0, 2);
  expect(newest.some((t) => t.includes("Signed in from a new device"))).toBe(true);
  expect(newest.every((t) => t.includes("Signed in") && t.includes("Firefox on Windows"))).toBe(true);
  expect(texts[2]).toContain("Failed sign-in (wrong password)");
  expect(texts[3]).toContain("Verification email sent");
  expect(texts[4]).toContain("Account created"); // dated when the account was made, before its first mail
});
