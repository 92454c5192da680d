// Passkeys in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain) plays
// the device, so registration and sign-in run the browser's own WebAuthn against the web app's
// relying party (its host, localhost, from BETTER_AUTH_URL).
import type { CDPSession, Page } from "@playwright/test";
import { API_URL, ageSignIns, expect, test } from "./fixtures";

interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

/** A platform authenticator with user verification, as a phone or laptop has, in `page`'s tab. */
async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function storedCredentials({ cdp, authenticatorId }: VirtualAuthenticator) {
  return (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
}

/**
 * Chromium's virtual authenticator answers a waiting autofill request (conditional mediation) at
 * once, as if the user had picked its passkey; tests of the button turn autofill off, as in a
 * browser without it.
 */
async function withoutAutofill(page: Page): Promise<void> {
  await page.addInitScript(() => {
    Object.defineProperty(PublicKeyCredential, "isConditionalMediationAvailable", {
      value: () => Promise.resolve(false),
    });
  });
}

/** Collects the `mediation` of every WebAuthn sign-in request the page makes, across navigations. */
async function recordMediations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("recordMediation", (mediation: string) => seen.push(mediation));
  await page.addInitScript(() => {
    const record = (window as unknown as { recordMediation: (mediation: string) => Promise<number> })
      .recordMediation;
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options?: CredentialRequestOptions) => {
      void record(options?.mediation ?? "optional");
      return get(options);
    };
  });
  return seen;
}

function section(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

async function addPasskey(page: Page, name: string): Promise<void> {
  await page.goto("/settings");
  const passkeys = section(page, "Passkeys");
  await passkeys.getByLabel("Passkey name", { exact: true }).fill(name);
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await expect(passkeys.getByRole("status")).toHaveText(
    `Passkey “${name}” added. You can use it to sign in.`,
  );
}

async function signOut(page: Page): Promise<void> {
  await page.goto("/settings");
  await section(page, "Sign out").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

const REFUSED =
  "This passkey isn't linked to a Tandem account any more. Sign in with your email and password.";

test("a passkey is added, signs in to the same API tokens, and once removed signs in no more", async ({
  page,
  user: _user,
}) => {
  await withoutAutofill(page);
  const authenticator = await addVirtualAuthenticator(page);
  await addPasskey(page, "Test laptop");
  const [credential, ...others] = await storedCredentials(authenticator);
  expect(others).toEqual([]);
  expect(credential?.isResidentCredential).toBe(true);
  expect(credential?.rpId).toBe(new URL(page.url()).hostname);

  const passkeys = section(page, "Passkeys");
  const item = passkeys.getByRole("listitem").filter({ hasText: "Test laptop" });
  await expect(item).toContainText("Created");
  await expect(item).toContainText("Last used never");
  await expect(section(page, "Security history")).toContainText("Passkey added");

  await signOut(page);
  // What a browser with autofill looks for to offer passkeys in the field (the next test uses it).
  await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute(
    "autocomplete",
    "username webauthn",
  );
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/tasks$/);

  // The passkey's session gives the same API tokens a password's does, saying how it signed in.
  const tokenAnswer = await page.request.get("/api/auth/token");
  expect(tokenAnswer.status()).toBe(200);
  const { token } = (await tokenAnswer.json()) as { token: string };
  const tokenClaims = claims(token);
  // A virtual authenticator's credential is not backed up: a device-bound passkey.
  expect(tokenClaims.amr).toEqual(["hwk"]);
  const me = await page.request.get(`${API_URL()}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status(), await me.text()).toBe(200);
  expect(await me.json()).toMatchObject({ id: tokenClaims.sub, via: "session", amr: ["hwk"] });

  await page.goto("/settings");
  await expect(item).not.toContainText("Last used never");
  await expect(item.locator("time")).toHaveCount(2);

  await item.getByRole("button", { name: "Remove Test laptop" }).click();
  await expect(passkeys.getByRole("status")).toHaveText(
    "Passkey “Test laptop” removed. It can no longer sign in to your account.",
  );
  await expect(passkeys.getByText("You have no passkeys yet.")).toBeVisible();
  await expect(section(page, "Security history")).toContainText("Passkey removed");

  // The device still holds the credential; the server no longer knows it.
  expect(await storedCredentials(authenticator)).toHaveLength(1);
  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "passkey" })).toHaveText(REFUSED);
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.request.get("/api/auth/token")).status()).toBe(401);
});

test("removing a passkey after an old sign-in needs a new one, which the passkey itself can give", async ({
  page,
  user,
}) => {
  await withoutAutofill(page);
  await addVirtualAuthenticator(page);
  await addPasskey(page, "Old phone");
  await ageSignIns(user.email, 11 * 60);

  await page.reload();
  const passkeys = section(page, "Passkeys");
  await passkeys.getByRole("button", { name: "Remove Old phone" }).click();
  await expect(passkeys.getByRole("alert")).toContainText("this change needs a recent sign-in");
  await expect(passkeys.getByRole("listitem")).toHaveCount(1);

  await page.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL(/\/sign-in\?/);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await section(page, "Passkeys").getByRole("button", { name: "Remove Old phone" }).click();
  await expect(section(page, "Passkeys").getByText("You have no passkeys yet.")).toBeVisible();
});

test("the email field offers passkeys through the browser's autofill, and stops once one is removed", async ({
  page,
  user: _user,
}) => {
  const mediations = await recordMediations(page);
  await addVirtualAuthenticator(page);
  await addPasskey(page, "Autofill key");
  await signOut(page);
  // The page waits for a passkey picked from the email field's suggestions (conditional
  // mediation); the virtual authenticator answers as a user picking its passkey would.
  await expect(page).toHaveURL(/\/tasks$/);
  expect(await page.request.get("/api/auth/token").then((r) => r.status())).toBe(200);

  await page.goto("/settings");
  await section(page, "Passkeys").getByRole("button", { name: "Remove Autofill key" }).click();
  await expect(section(page, "Passkeys").getByText("You have no passkeys yet.")).toBeVisible();
  await signOut(page);
  await expect(page.getByRole("alert").filter({ hasText: "passkey" })).toHaveText(REFUSED);
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await page.request.get("/api/auth/token").then((r) => r.status())).toBe(401);
  // Both sign-ins came from autofill; nothing opened the button's dialog.
  expect(mediations.length).toBeGreaterThanOrEqual(2);
  expect(new Set(mediations)).toEqual(new Set(["conditional"]));
});
