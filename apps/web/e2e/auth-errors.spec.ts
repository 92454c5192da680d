// Sign-in and sign-up failures are explained in words, and what was typed stays.
import { expect, newUser, signInViaUi, signUpViaApi, test, WEB_URL } from "./fixtures";

test("a wrong password says so and keeps the email", async ({ page }) => {
  const user = newUser();
  await signUpViaApi(page, user);
  await page.context().clearCookies();

  await page.goto("/sign-in");
  await signInViaUi(page, { email: user.email, password: "not-the-password" });
  // (Next.js keeps an empty role="alert" route announcer in every page, hence the filter.)
  await expect(page.getByRole("alert").filter({ hasText: /wrong email or password/i })).toBeVisible();
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(user.email);
  await expect(page).toHaveURL(/\/sign-in/);

  // The right one still works afterwards.
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/tasks/);
});

test("signing up with an email that is taken says so", async ({ page }) => {
  const user = newUser();
  await signUpViaApi(page, user);
  await page.context().clearCookies();

  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill("Someone Else");
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill("another-password-123");
  await page.getByLabel("Confirm password", { exact: true }).fill("another-password-123");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: /already (exists|registered|in use|taken)/i }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Someone Else");
});

test("the form fields are labelled and describe their hints to assistive technology", async ({ page }) => {
  await page.goto("/sign-up");
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAccessibleDescription("At least 8 characters.");
  await expect(password).not.toHaveAttribute("aria-invalid", /.*/);
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email", exact: true })).toBeVisible();
});

test("before the page's script runs, sign-in and sign-up can be typed into but not sent", async ({
  browser,
}) => {
  // Without this a click before hydration posted the form natively and came back with empty fields.
  const context = await browser.newContext({ baseURL: WEB_URL(), javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    for (const [path, button] of [
      ["/sign-in", "Sign in"],
      ["/sign-up", "Sign up"],
    ] as const) {
      await page.goto(path);
      await page.getByLabel("Email", { exact: true }).fill("early@example.com");
      await expect(page.getByLabel("Email", { exact: true })).toHaveValue("early@example.com");
      await expect(page.getByRole("button", { name: button, exact: true })).toBeDisabled();
    }
  } finally {
    await context.close();
  }
});
