// Linking a provider to an existing account from settings, unlinking it, and the provider's tokens
// never leaving Tandem (decision 017), over HTTP against the development provider.
import { listSecurityEvents } from "@tandem/auth";
import { recordingMailer, type RecordingMailer, testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OidcHarness, PROVIDER_NAME, startOidcHarness } from "./oidc-harness.ts";
import { TestBrowser } from "./oidc-test-browser.ts";
import { finishAtApp, type ProviderAnswer, startAtApp, throughProvider } from "./oidc-test-flows.ts";

const ELEVEN_MINUTES = 11 * 60 * 1000;

describe.each(testDialects())("provider links (%s)", (dialect) => {
  let h: OidcHarness;
  let outbox: RecordingMailer;

  beforeEach(async () => {
    outbox = recordingMailer();
    h = await startOidcHarness(dialect, { email: { mailer: outbox.mailer } });
  });
  afterEach(async () => {
    await h.close();
  });

  const context = () => h.auth.auth.$context;
  const providersOf = async (userId: string) =>
    (await (await context()).internalAdapter.findAccounts(userId)).map((a) => a.providerId).sort();

  /** The browser of a signed-in password user, with their session cookie. */
  function browserOf(user: TestUser): TestBrowser {
    const browser = new TestBrowser();
    browser.addCookie(h.auth.baseURL, user.cookie);
    return browser;
  }

  /** "Link Dev ID" in settings, through the provider; returns where the app sent the browser. */
  async function link(
    user: TestUser,
    answer: Omit<ProviderAnswer, "email"> & { email?: string },
  ): Promise<URL> {
    const browser = browserOf(user);
    const authorize = await startAtApp(browser, h.auth.baseURL, "/link-social", {
      provider: "oidc",
      callbackURL: "/settings",
      errorCallbackURL: "/settings?link=oidc",
    });
    return finishAtApp(browser, await throughProvider(browser, authorize, { email: user.email, ...answer }));
  }

  async function post(browser: TestBrowser, path: string, body: unknown) {
    const response = await browser.request(`${h.auth.baseURL}/api/auth${path}`, {
      json: body,
      headers: { origin: h.auth.baseURL },
    });
    const json = response.headers.get("content-type")?.includes("application/json") === true;
    return {
      status: response.status,
      body: (json ? await response.json() : null) as Record<string, unknown> | null,
    };
  }

  async function ageSignIn(sessionId: string): Promise<void> {
    await h.database.db
      .updateTable("session")
      .set({ createdAt: new Date(Date.now() - ELEVEN_MINUTES).toISOString() })
      .where("id", "=", sessionId)
      .execute();
  }

  it("links the provider from settings when it vouches for the account's email, and tells the user", async () => {
    const user = await h.auth.signUp();
    const landed = await link(user, {});
    expect(landed.pathname).toBe("/settings");
    expect(landed.searchParams.get("error")).toBeNull();
    expect(await providersOf(user.id)).toEqual(["credential", "oidc"]);

    const events = await listSecurityEvents(h.database.db, user.id);
    expect(events.find((e) => e.type === "provider_linked")?.detail).toBe(PROVIDER_NAME);
    expect(
      outbox.sent.some((m) => m.to === user.email && /sign-in provider was linked/.test(m.subject)),
    ).toBe(true);

    // From now on the provider signs this account in.
    const { browser, landed: home } = await h.signIn({ email: user.email });
    expect(home.pathname).toBe("/tasks");
    const session = (await (await browser.request(`${h.auth.baseURL}/api/auth/get-session`)).json()) as {
      user: { id: string };
    };
    expect(session.user.id).toBe(user.id);
  });

  it("refuses to link when the provider does not vouch for the email", async () => {
    const user = await h.auth.signUp();
    const landed = await link(user, { verified: false });
    expect(landed.pathname).toBe("/settings");
    expect(landed.searchParams.get("link")).toBe("oidc");
    expect(landed.searchParams.get("error")).toBe("unable_to_link_account");
    expect(await providersOf(user.id)).toEqual(["credential"]);
  });

  it("refuses to link a provider account with another email", async () => {
    const user = await h.auth.signUp();
    const landed = await link(user, { email: `other-${user.email}` });
    expect(landed.searchParams.get("error")).toBe("email_does_not_match");
    expect(await providersOf(user.id)).toEqual(["credential"]);
  });

  it("needs a recent sign-in to link or unlink", async () => {
    const user = await h.auth.signUp();
    await link(user, {});
    await ageSignIn(user.sessionId);
    const browser = browserOf(user);
    const linking = await post(browser, "/link-social", { provider: "oidc", callbackURL: "/settings" });
    expect(linking.status).toBe(403);
    expect(linking.body?.code).toBe("FRESH_SIGN_IN_REQUIRED");
    const account = (await (await context()).internalAdapter.findAccounts(user.id)).find(
      (a) => a.providerId === "oidc",
    );
    const unlinking = await post(browser, "/unlink-account", { accountId: account?.id });
    expect(unlinking.status).toBe(403);
    expect(unlinking.body?.code).toBe("FRESH_SIGN_IN_REQUIRED");
    expect(await providersOf(user.id)).toEqual(["credential", "oidc"]);
  });

  it("unlinks a provider when another way to sign in remains, and records it", async () => {
    const user = await h.auth.signUp();
    await link(user, {});
    const accounts = await (await context()).internalAdapter.findAccounts(user.id);
    const oidc = accounts.find((a) => a.providerId === "oidc");
    const answer = await post(browserOf(user), "/unlink-account", { accountId: oidc?.id });
    expect(answer.status).toBe(200);
    expect(await providersOf(user.id)).toEqual(["credential"]);
    const events = await listSecurityEvents(h.database.db, user.id);
    expect(events.find((e) => e.type === "provider_unlinked")?.detail).toBe(PROVIDER_NAME);
    expect(
      outbox.sent.some((m) => m.to === user.email && /sign-in provider was unlinked/.test(m.subject)),
    ).toBe(true);
    // The provider no longer signs this account in.
    const again = await h.signIn({ email: user.email });
    expect(again.landed.searchParams.get("error")).toBe("account_not_linked");
  });

  it("never unlinks the last way to sign in, nor the password", async () => {
    const { browser } = await h.signIn({ email: "only-provider@example.test" });
    const session = (await (await browser.request(`${h.auth.baseURL}/api/auth/get-session`)).json()) as {
      user: { id: string };
    };
    const userId = session.user.id;
    const [oidc] = await (await context()).internalAdapter.findAccounts(userId);
    const refused = await post(browser, "/unlink-account", { accountId: oidc?.id });
    expect(refused.status).toBe(400);
    expect(refused.body?.code).toBe("LAST_SIGN_IN_METHOD");
    expect(await providersOf(userId)).toEqual(["oidc"]);

    // With a passkey, the provider is no longer the only way in.
    await (
      await context()
    ).adapter.create({
      model: "passkey",
      data: {
        name: "Laptop",
        publicKey: "pk",
        userId,
        credentialID: `cred-${userId}`,
        counter: 0,
        deviceType: "singleDevice",
        backedUp: false,
        createdAt: new Date(),
      },
    });
    const allowed = await post(browser, "/unlink-account", { accountId: oidc?.id });
    expect(allowed.status).toBe(200);
    expect(await providersOf(userId)).toEqual([]);

    const user = await h.auth.signUp();
    const [password] = await (await context()).internalAdapter.findAccounts(user.id);
    const notALink = await post(browserOf(user), "/unlink-account", { accountId: password?.id });
    expect(notALink.status).toBe(400);
    expect(notALink.body?.code).toBe("PASSWORD_NOT_UNLINKABLE");
  });

  it("hands the provider's tokens to no one: no token routes, none listed, no ID-token sign-in", async () => {
    const user = await h.auth.signUp();
    await link(user, {});
    const browser = browserOf(user);
    const [oidc] = (await (await context()).internalAdapter.findAccounts(user.id)).filter(
      (a) => a.providerId === "oidc",
    );
    for (const path of ["/get-access-token", "/refresh-token"]) {
      const answer = await post(browser, path, { accountId: oidc?.id });
      expect(answer.status, path).toBe(404);
    }
    const info = await browser.request(`${h.auth.baseURL}/api/auth/account-info?accountId=${oidc?.id}`);
    expect(info.status).toBe(404);

    const listed = (await (
      await browser.request(`${h.auth.baseURL}/api/auth/list-accounts`)
    ).json()) as object[];
    expect(listed).toHaveLength(2);
    for (const account of listed) {
      expect(Object.keys(account)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/token|password/i)]),
      );
    }
    expect([oidc?.accessToken, oidc?.refreshToken, oidc?.idToken]).toEqual([null, null, null]);

    for (const path of ["/sign-in/social", "/link-social"]) {
      const answer = await post(browser, path, { provider: "oidc", idToken: { token: "a.b.c" } });
      expect(answer.status, path).toBe(400);
      expect(answer.body?.code, path).toBe("ID_TOKEN_SIGN_IN_DISABLED");
    }
  });
});
