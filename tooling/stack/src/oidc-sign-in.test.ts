// Sign-in with an OpenID Connect provider (decision 017), end to end over HTTP: Tandem's real
// Better Auth configuration against the development provider (oidc-provider) on loopback, the
// browser played by fetch with a cookie jar, each redirect followed by hand.
import { listSecurityEvents } from "@tandem/auth";
import { SESSION_COOKIE, testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_ID, type OidcHarness, startOidcHarness } from "./oidc-harness.ts";
import { devSubject } from "./oidc-provider.ts";
import { TestBrowser } from "./oidc-test-browser.ts";
import { finishAtApp, startAtApp, throughProvider } from "./oidc-test-flows.ts";

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

let counter = 0;
const newEmail = () => `oidc-${Date.now()}-${++counter}@example.test`;

describe.each(testDialects())("provider sign-in (%s)", (dialect) => {
  let h: OidcHarness;

  beforeEach(async () => {
    h = await startOidcHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  const usersWith = async (email: string) => {
    const found = await (await h.auth.auth.$context).internalAdapter.findUserByEmail(email);
    return found === null ? [] : [found.user];
  };
  const accountsOf = async (userId: string) =>
    (await h.auth.auth.$context).internalAdapter.findAccounts(userId);
  const sessionCookie = (browser: TestBrowser) => browser.cookie(h.auth.baseURL, SESSION_COOKIE);

  async function session(browser: TestBrowser) {
    const response = await browser.request(`${h.auth.baseURL}/api/auth/get-session`);
    return (await response.json()) as {
      user: { id: string; email: string; emailVerified: boolean; name: string };
    } | null;
  }

  it("sends PKCE (S256), state and a nonce to the provider", async () => {
    const browser = new TestBrowser();
    const authorize = await startAtApp(browser, h.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
    });
    expect(authorize.origin).toBe(h.idp.issuer);
    const params = authorize.searchParams;
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(params.get("state")?.length).toBeGreaterThanOrEqual(32);
    expect(params.get("nonce")?.length).toBeGreaterThanOrEqual(32);
    expect(params.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["openid", "email", "profile"]));

    // And it checks what comes back: the ID token's signature against the discovered key set, its
    // issuer, its audience (this client) and that nonce. No provider here signs for another
    // audience, so the configuration itself is what this asserts.
    const provider = (await h.auth.auth.$context).socialProviders.find((p) => p.id === "oidc");
    const idToken = provider?.idToken;
    expect(idToken !== undefined && "audience" in idToken ? idToken.audience : null).toBe(CLIENT_ID);
    expect(idToken !== undefined && "issuer" in idToken ? idToken.issuer : null).toBe(h.idp.issuer);
    expect(provider?.requiresIdTokenNonce).toBe(true);
  });

  it("creates the account on a first sign-in, with a federated session and no provider tokens", async () => {
    const email = newEmail();
    const { browser, landed } = await h.signIn({ email, name: "Grace Hopper" });
    expect(landed.pathname).toBe("/tasks");
    const current = await session(browser);
    expect(current?.user).toMatchObject({ email, emailVerified: true, name: "Grace Hopper" });

    const [account, ...others] = await accountsOf(current?.user.id ?? "");
    expect(others).toEqual([]);
    expect(account).toMatchObject({ providerId: "oidc", accountId: devSubject(email) });
    // Tandem keeps none of the provider's tokens.
    expect([account?.accessToken, account?.refreshToken, account?.idToken]).toEqual([null, null, null]);

    const tokenAnswer = await browser.request(`${h.auth.baseURL}/api/auth/token`);
    const { token } = (await tokenAnswer.json()) as { token: string };
    expect(claims(token).amr).toEqual(["fed"]);

    const events = await listSecurityEvents(h.database.db, current?.user.id ?? "");
    expect(events.map((e) => e.type)).toContain("sign_in");
  });

  it("signs the same account in again on a returning sign-in", async () => {
    const email = newEmail();
    const first = await h.signIn({ email });
    const firstUser = await session(first.browser);
    const again = await h.signIn({ email });
    expect(again.landed.pathname).toBe("/tasks");
    const secondUser = await session(again.browser);
    expect(secondUser?.user.id).toBe(firstUser?.user.id);
    expect(await usersWith(email)).toHaveLength(1);
    expect(await accountsOf(firstUser?.user.id ?? "")).toHaveLength(1);
  });

  it("does not join an existing account that shares the email, even a verified one", async () => {
    const existing = await h.auth.signUp();
    await (await h.auth.auth.$context).internalAdapter.updateUser(existing.id, { emailVerified: true });
    const { browser, landed } = await h.signIn({ email: existing.email, verified: true });
    expect(landed.pathname).toBe("/sign-in");
    expect(landed.searchParams.get("error")).toBe("account_not_linked");
    expect(landed.searchParams.get("provider")).toBe("oidc");
    expect(sessionCookie(browser)).toBeUndefined();
    expect((await accountsOf(existing.id)).map((a) => a.providerId)).toEqual(["credential"]);
  });

  it("creates no account for an email the provider does not vouch for", async () => {
    const email = newEmail();
    const { browser, landed } = await h.signIn({ email, verified: false });
    expect(landed.searchParams.get("error")).toBe("PROVIDER_EMAIL_NOT_VERIFIED");
    expect(sessionCookie(browser)).toBeUndefined();
    expect(await usersWith(email)).toEqual([]);
  });

  it("creates nothing when the user denies consent", async () => {
    const email = newEmail();
    const { browser, landed } = await h.signIn({ email, consent: "deny" });
    expect(landed.pathname).toBe("/sign-in");
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(sessionCookie(browser)).toBeUndefined();
    expect(await usersWith(email)).toEqual([]);
  });

  it("refuses a callback whose state was tampered with, or that comes back to another browser", async () => {
    const email = newEmail();
    const browser = new TestBrowser();
    const authorize = await startAtApp(browser, h.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
    });
    const callback = await throughProvider(browser, authorize, { email });
    expect(callback.searchParams.get("code")).toBeTruthy();

    const tampered = new URL(callback);
    tampered.searchParams.set("state", `${callback.searchParams.get("state")}x`);
    const landed = await finishAtApp(browser, tampered);
    expect(landed.pathname).toBe("/sign-in");
    expect(landed.searchParams.get("error")).toBe("state_mismatch");

    // The genuine callback, in a browser that never started the flow (login CSRF): refused too.
    const elsewhere = await finishAtApp(new TestBrowser(), callback);
    expect(elsewhere.searchParams.get("error")).toBe("state_mismatch");
    expect(await usersWith(email)).toEqual([]);
  });

  it("refuses an ID token that does not carry the nonce Tandem sent", async () => {
    const email = newEmail();
    const browser = new TestBrowser();
    const authorize = await startAtApp(browser, h.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
      errorCallbackURL: "/sign-in?provider=oidc",
    });
    authorize.searchParams.set("nonce", "a-nonce-tandem-never-sent-0123456789");
    const landed = await finishAtApp(browser, await throughProvider(browser, authorize, { email }));
    expect(landed.searchParams.get("error")).toBe("unable_to_get_user_info");
    expect(sessionCookie(browser)).toBeUndefined();
    expect(await usersWith(email)).toEqual([]);
  });

  it("refuses a code redeemed without the matching PKCE verifier", async () => {
    const email = newEmail();
    const browser = new TestBrowser();
    const authorize = await startAtApp(browser, h.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
      errorCallbackURL: "/sign-in?provider=oidc",
    });
    // An attacker's challenge: the code is then bound to a verifier Tandem does not hold.
    authorize.searchParams.set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    const landed = await finishAtApp(browser, await throughProvider(browser, authorize, { email }));
    expect(landed.searchParams.get("error")).toBe("invalid_code");
    expect(await usersWith(email)).toEqual([]);
  });
});
