// AUTH_REQUIRE_EMAIL_VERIFICATION=true (docs/email.md): no session and no API token until the address is
// verified; the sign-in page says so and offers a new link; the link signs the user in.
import { expect, linkFrom, mailbox, newUser, signInViaUi, submitSignUp, testWithOwnStack } from "./fixtures";

const test = testWithOwnStack({
  name: "verify-required",
  webPort: 3390,
  apiPort: 8390,
  web: { AUTH_REQUIRE_EMAIL_VERIFICATION: "true" },
});

test("sign-up asks for verification, sign-in is refused until then, and the link signs in", async ({
  page,
  stack,
}) => {
  const user = newUser("Rita Required");
  const mail = mailbox(stack.mail.mailboxUrl);
  await submitSignUp(page, user);
  await expect(page.getByText(`we've sent a link to ${user.email}`)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up/);

  // No session, and no API token without one.
  expect((await page.request.get(`${stack.webUrl}/api/auth/token`)).status()).toBe(401);

  await page.goto("/sign-in");
  await signInViaUi(page, user);
  await expect(page.getByText("Verify your email address first")).toBeVisible();
  await page.getByRole("button", { name: "Resend verification email" }).click();
  await expect(page.getByText(`We've sent a new verification link to ${user.email}`)).toBeVisible();

  const message = await mail.waitFor(user.email, (m) => /verify your email/i.test(m.subject));
  await page.goto(linkFrom(message, "/api/auth/verify-email?"));
  await expect(page.getByRole("heading", { name: "Email verified" })).toBeVisible();
  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/tasks$/);
  expect((await page.request.get(`${stack.webUrl}/api/auth/token`)).status()).toBe(200);
});
