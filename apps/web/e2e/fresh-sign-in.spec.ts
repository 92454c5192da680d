// Step-up (decision 017): a sensitive change needs a sign-in from the last 10 minutes. After an old
// sign-in, settings says so, the change is refused and nothing changes; signing in again from the
// notice replaces this browser's session and the change then goes through.
import type { Page } from "@playwright/test";
import { ageSignIns, expect, signInViaUi, test } from "./fixtures";

function section(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

async function changePassword(page: Page, current: string, next: string): Promise<void> {
  const form = section(page, "Change password");
  await form.getByLabel("Current password", { exact: true }).fill(current);
  await form.getByLabel("New password", { exact: true }).fill(next);
  await form.getByLabel("Confirm new password", { exact: true }).fill(next);
  await form.getByRole("button", { name: "Change password" }).click();
}

test("after an old sign-in, a password change asks to sign in again, then goes through", async ({
  page,
  user,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 403/);
  await page.goto("/settings");
  await expect(section(page, "Confirm it's you")).toHaveCount(0);

  await ageSignIns(user.email, 11 * 60);
  await page.reload();
  const notice = section(page, "Confirm it's you");
  await expect(notice).toBeVisible();

  await changePassword(page, user.password, "a-brand-new-passphrase");
  await expect(section(page, "Change password").getByRole("alert")).toContainText("needs a recent sign-in");

  await notice.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=confirm/);
  await expect(page.getByText("Confirm it's you: sign in again to make that change.")).toBeVisible();
  await signInViaUi(page, user);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(section(page, "Confirm it's you")).toHaveCount(0);
  // The new sign-in replaced the old session instead of adding one.
  await expect(section(page, "Active sessions").getByRole("listitem")).toHaveCount(1);

  await changePassword(page, user.password, "a-brand-new-passphrase");
  await expect(section(page, "Change password").getByRole("status")).toContainText(
    "Your password is changed",
  );
});

test("the notice appears while the settings page stays open past the 10 minutes", async ({
  page,
  user: _user,
}) => {
  await page.clock.install();
  await page.goto("/settings");
  await expect(section(page, "Profile")).toBeVisible();
  await expect(section(page, "Confirm it's you")).toHaveCount(0);
  await page.clock.fastForward("10:30");
  await expect(section(page, "Confirm it's you")).toBeVisible();
});
