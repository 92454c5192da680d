// Account recovery over email (decision 015), end to end in Chromium with the real message read from
// the stack's mail catcher: password reset, verification at sign-up, and the banner.
import { expect, linkFrom, mailbox, newUser, signInViaUi, signUpViaUi, test, WEB_URL } from "./fixtures";

test("forgot password → mail → reset → other sessions end → sign in with the new password", async ({
  page,
  browser,
  user,
}) => {
  // A second browser, signed in before the reset.
  const laptop = await browser.newContext({ baseURL: WEB_URL() });
  const laptopPage = await laptop.newPage();
  await laptopPage.goto("/sign-in");
  await signInViaUi(laptopPage, user);
  await expect(laptopPage).toHaveURL(/\/tasks/);

  const anonymous = await browser.newContext({ baseURL: WEB_URL() });
  const visitor = await anonymous.newPage();
  await visitor.goto("/sign-in");
  await visitor.getByRole("link", { name: "Forgot password?" }).click();
  await expect(visitor).toHaveURL(/\/forgot-password$/);
  await visitor.getByLabel("Email", { exact: true }).fill(user.email);
  await visitor.getByRole("button", { name: "Send reset link" }).click();
  await expect(visitor.getByRole("status")).toContainText(`If an account exists for ${user.email}`);

  const message = await mailbox().waitFor(user.email, (m) => /reset your tandem password/i.test(m.subject));
  const link = linkFrom(message, "/reset-password?token=");
  await visitor.goto(link);
  // The token left the URL before the page loaded anything.
  await expect(visitor).toHaveURL(/\/reset-password$/);
  await visitor.getByLabel("New password", { exact: true }).fill("a-fresh-passphrase-14");
  await visitor.getByLabel("Confirm password", { exact: true }).fill("a-fresh-passphrase-14");
  await visitor.getByRole("button", { name: "Reset password" }).click();
  await expect(visitor).toHaveURL(/\/sign-in\?reason=password-reset/);
  await expect(visitor.getByRole("status")).toContainText("Your password has been reset");

  // Both devices signed in before the reset are signed out.
  await laptopPage.goto("/tasks");
  await expect(laptopPage).toHaveURL(/\/sign-in/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in/);

  await signInViaUi(visitor, { email: user.email, password: user.password });
  await expect(visitor.getByText("Wrong email or password.")).toBeVisible();
  await signInViaUi(visitor, { email: user.email, password: "a-fresh-passphrase-14" });
  await expect(visitor).toHaveURL(/\/tasks/);

  // The link worked once; a notice went to the address.
  await visitor.goto(link);
  await expect(visitor.getByText("This reset link has expired or has already been used.")).toBeVisible();
  await expect(visitor.getByRole("link", { name: "Send a new link" })).toBeVisible();
  await mailbox().waitFor(user.email, (m) => /password was reset/i.test(m.subject));
  await laptop.close();
  await anonymous.close();
});

test("sign up → banner and 'Not verified' → the mailed link verifies the address", async ({ page }) => {
  const user = newUser("Vera Verify");
  await signUpViaUi(page, user);
  const banner = page.getByRole("complementary", { name: "Email verification" });
  await expect(banner).toContainText("Please verify your email address");
  await page.goto("/settings");
  const profile = page.getByRole("region", { name: "Profile", exact: true });
  await expect(profile).toContainText("Not verified");
  await profile.getByRole("button", { name: "Resend verification email" }).click();
  await expect(profile.getByRole("status")).toContainText(
    `We've sent a new verification link to ${user.email}`,
  );

  const message = await mailbox().waitFor(user.email, (m) => /verify your email/i.test(m.subject));
  await page.goto(linkFrom(message, "/api/auth/verify-email?"));
  await expect(page).toHaveURL(/\/email-verified$/);
  await expect(page.getByRole("heading", { name: "Email verified" })).toBeVisible();

  await page.goto("/settings");
  await expect(page.getByRole("region", { name: "Profile", exact: true })).toContainText("Verified");
  await expect(page.getByRole("region", { name: "Profile", exact: true })).not.toContainText("Not verified");
  await page.goto("/tasks");
  await expect(page.getByText("Please verify your email address")).toHaveCount(0);
});

test("the verification banner can be dismissed", async ({ page }) => {
  const user = newUser("Dana Dismiss");
  await signUpViaUi(page, user);
  await page.getByRole("button", { name: "Hide this reminder" }).click();
  await expect(page.getByText("Please verify your email address")).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("Please verify your email address")).toHaveCount(0);
});
