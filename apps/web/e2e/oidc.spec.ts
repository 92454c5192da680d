// Sign-in with an OpenID Connect provider in a real browser (decision 017): "Continue with Dev ID"
// goes to the development provider the e2e stack runs on loopback (a real oidc-provider), which
// asks for an email — verified or not — and for consent, then comes back through Better Auth. The
// protocol's refusals (state, nonce, PKCE, issuer) are covered over HTTP in tooling/stack.
import type { Page } from "@playwright/test";
import { addTask, expect, newUser, signInViaUi, signUpViaApi, task, test } from "./fixtures";

const PROVIDER = "Dev ID";

interface ProviderAnswer {
  email: string;
  name?: string;
  verified?: boolean;
  consent?: "allow" | "deny";
}

/** On the provider's pages: who you are, then whether Tandem may know it. */
async function answerProvider(page: Page, answer: ProviderAnswer): Promise<void> {
  await expect(page.getByRole("heading", { name: `Sign in to ${PROVIDER}` })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(process.env.TANDEM_E2E_OIDC_ISSUER);
  await page.getByLabel("Email", { exact: true }).fill(answer.email);
  if (answer.name) await page.getByLabel("Name", { exact: true }).fill(answer.name);
  await page.getByLabel("Email verified", { exact: true }).setChecked(answer.verified ?? true);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Allow Tandem?" })).toBeVisible();
  await expect(page.getByText(answer.email)).toBeVisible();
  await page.getByRole("button", { name: answer.consent === "deny" ? "Deny" : "Allow", exact: true }).click();
}

async function continueWithProvider(page: Page, answer: ProviderAnswer): Promise<void> {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: `Continue with ${PROVIDER}`, exact: true }).click();
  await answerProvider(page, answer);
}

async function signOut(page: Page): Promise<void> {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** "Link Dev ID" in settings, through the provider, back to settings with the link made. */
async function linkFromSettings(page: Page, email: string): Promise<void> {
  await page.goto("/settings");
  await providersSection(page)
    .getByRole("button", { name: `Link ${PROVIDER}`, exact: true })
    .click();
  await answerProvider(page, { email });
  await expect(page).toHaveURL(/\/settings$/);
  await expect(providersSection(page).getByRole("status")).toHaveText(
    `${PROVIDER} is linked: you can now sign in with it.`,
  );
}

function providersSection(page: Page) {
  return page.getByRole("region", { name: "Sign-in providers", exact: true });
}

test("a first sign-in with the provider creates the account, and a returning one finds it", async ({
  page,
}) => {
  // Several round trips through the provider, on a machine the servers share.
  test.slow();
  const person = newUser("Grace Hopper");
  await page.goto("/sign-up");
  // Offered where accounts are created too.
  await expect(page.getByRole("button", { name: `Continue with ${PROVIDER}`, exact: true })).toBeVisible();

  await continueWithProvider(page, { email: person.email, name: person.name });
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Grace Hopper");
  // The API accepts the federated session's tokens like any other.
  await addTask(page, "Federated task");

  const token = (await (await page.request.get("/api/auth/token")).json()) as { token: string };
  const claims = JSON.parse(Buffer.from(token.token.split(".")[1] ?? "", "base64url").toString()) as {
    amr: string[];
  };
  expect(claims.amr).toEqual(["fed"]);

  await page.goto("/settings");
  await expect(providersSection(page).getByRole("listitem").filter({ hasText: PROVIDER })).toContainText(
    "Linked",
  );

  await signOut(page);
  await continueWithProvider(page, { email: person.email });
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(task(page, "Federated task")).toBeVisible();
});

test("a sign-in with an existing account's email is not joined to it, but can be linked from settings", async ({
  page,
}) => {
  // Several round trips through the provider, on a machine the servers share.
  test.slow();
  const person = newUser("Ada Lovelace");
  await signUpViaApi(page, person);
  await signOut(page);

  await continueWithProvider(page, { email: person.email });
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByRole("status")).toHaveText(
    `An account with this email already exists. Sign in your usual way, then link ${PROVIDER} in Settings.`,
  );
  await signInViaUi(page, person);
  await expect(page).toHaveURL(/\/tasks$/);

  await linkFromSettings(page, person.email);
  await expect(page.getByRole("list", { name: "Security events" })).toContainText(
    `Sign-in provider linked: ${PROVIDER}`,
  );

  // The provider now signs this account in.
  await signOut(page);
  await continueWithProvider(page, { email: person.email });
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Ada Lovelace");
});

test("a link needs the provider to vouch for the email", async ({ page, user }) => {
  await page.goto("/settings");
  const providers = providersSection(page);
  await expect(providers.getByRole("listitem").filter({ hasText: PROVIDER })).toContainText("Not linked");
  await providers.getByRole("button", { name: `Link ${PROVIDER}`, exact: true }).click();
  await answerProvider(page, { email: user.email, verified: false });
  await expect(page).toHaveURL(/\/settings$/);
  await expect(providersSection(page).getByRole("alert")).toContainText(
    `${PROVIDER} wasn't linked: it must confirm that your email address is verified.`,
  );
  await expect(providersSection(page).getByRole("listitem").filter({ hasText: PROVIDER })).toContainText(
    "Not linked",
  );
});

test("unlinking asks first, keeps the password and is recorded", async ({ page, user }) => {
  await linkFromSettings(page, user.email);
  const providers = providersSection(page);
  await providers.getByRole("button", { name: `Unlink ${PROVIDER}`, exact: true }).click();
  await expect(providers).toContainText(`Unlink ${PROVIDER}? You won't be able to sign in with it.`);
  await providers.getByRole("button", { name: `Unlink ${PROVIDER}`, exact: true }).click();
  await expect(providers.getByRole("status")).toHaveText(`${PROVIDER} is unlinked.`);
  await expect(providers.getByRole("button", { name: `Link ${PROVIDER}`, exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("list", { name: "Security events" })).toContainText(
    `Sign-in provider unlinked: ${PROVIDER}`,
  );
  await signOut(page);
  await signInViaUi(page, user);
  await expect(page).toHaveURL(/\/tasks$/);
});

test("denying consent signs no one in and creates nothing", async ({ page }) => {
  const person = newUser();
  await continueWithProvider(page, { email: person.email, consent: "deny" });
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByRole("status")).toHaveText(
    `Sign-in with ${PROVIDER} was cancelled. No account was created.`,
  );
  // Nothing was created: the address is still free for a password sign-up.
  const signUp = await page.request.post("/api/auth/sign-up/email", {
    data: { ...person },
    headers: { Origin: new URL(page.url()).origin },
  });
  expect(signUp.status()).toBe(200);
});

test("the provider is never unlinked when it is the only way to sign in", async ({ page }) => {
  const person = newUser();
  await continueWithProvider(page, { email: person.email });
  await expect(page).toHaveURL(/\/tasks$/);
  await page.goto("/settings");
  const providers = providersSection(page);
  await providers.getByRole("button", { name: `Unlink ${PROVIDER}`, exact: true }).click();
  await providers.getByRole("button", { name: `Unlink ${PROVIDER}`, exact: true }).click();
  await expect(providers.getByRole("alert")).toHaveText(
    `${PROVIDER} is your only way to sign in. Add a passkey, or set a password with “Forgot password?” on the sign-in page, before unlinking it.`,
  );
  await page.reload();
  await expect(providersSection(page).getByRole("listitem").filter({ hasText: PROVIDER })).toContainText(
    "Linked",
  );
});
