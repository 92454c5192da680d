// The development OpenID Connect provider on its own, and how `npm run dev` configures it.
import { afterEach, describe, expect, it } from "vitest";
import { resolveStack, StackError } from "./config.ts";
import { OidcProvider } from "./oidc-provider.ts";
import { TestBrowser } from "./oidc-test-browser.ts";

const secret = "s".repeat(32);
const REDIRECT = "http://localhost:3999/api/auth/callback/oidc";

describe("development OpenID Connect provider", () => {
  let idp: OidcProvider | undefined;
  afterEach(async () => {
    await idp?.stop();
    idp = undefined;
  });

  function authorizeUrl(provider: OidcProvider, params: Record<string, string>): URL {
    const url = new URL(`${provider.issuer}/auth`);
    const defaults = {
      client_id: "app",
      redirect_uri: REDIRECT,
      response_type: "code",
      scope: "openid email profile",
      state: "s".repeat(32),
      nonce: "n".repeat(32),
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    };
    for (const [key, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(key, value);
    return url;
  }

  it("publishes its discovery document on loopback, RS256 ID tokens and PKCE S256", async () => {
    idp = await OidcProvider.start();
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await (
      await fetch(`${idp.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery.id_token_signing_alg_values_supported).toContain("RS256");
    expect(discovery.authorization_response_iss_parameter_supported).toBe(true);
  });

  it("knows a client only once it is registered, and asks who you are", async () => {
    idp = await OidcProvider.start({ name: "Test ID" });
    const browser = new TestBrowser();
    const unknown = await browser.browse(authorizeUrl(idp, {}));
    expect(unknown.response.status).toBe(400);
    expect(await unknown.response.text()).toContain("invalid_client");

    idp.addClient({ clientId: "app", clientSecret: "secret", redirectUris: [REDIRECT] });
    const login = await browser.browse(authorizeUrl(idp, {}));
    expect(login.url.pathname).toMatch(/^\/interaction\//);
    const page = await login.response.text();
    expect(page).toContain("Sign in to Test ID");
    expect(page).toContain('name="email_verified"');
    expect(login.response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("refuses an authorization request without PKCE", async () => {
    idp = await OidcProvider.start({
      clients: [{ clientId: "app", clientSecret: "secret", redirectUris: [REDIRECT] }],
    });
    const url = authorizeUrl(idp, {});
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const answer = await new TestBrowser().browse(url, { stopAt: (next) => next.origin !== idp?.issuer });
    expect(answer.stopped).toBe(true);
    expect(answer.url.searchParams.get("error")).toBe("invalid_request");
    expect(answer.url.searchParams.get("error_description")).toMatch(/PKCE/);
  });
});

describe("the development provider in npm run dev", () => {
  it("runs beside `npm run dev` on 8030 unless a provider is configured or it is turned off", () => {
    const dev = resolveStack({ BETTER_AUTH_SECRET: secret }, "dev");
    expect(dev.oidcProvider).toMatchObject({
      port: 8030,
      name: "Dev ID",
      clientId: "tandem-dev",
      redirectUri: "http://localhost:3000/api/auth/callback/oidc",
    });
    expect(dev.webEnv).toMatchObject({
      OIDC_ISSUER: "http://127.0.0.1:8030",
      OIDC_CLIENT_ID: "tandem-dev",
      OIDC_CLIENT_SECRET: dev.oidcProvider?.clientSecret,
      OIDC_NAME: "Dev ID",
    });
    expect(dev.apiEnv.OIDC_CLIENT_SECRET).toBeUndefined();
    expect(dev.signInProviders).toContain("Dev ID");

    expect(resolveStack({ BETTER_AUTH_SECRET: secret }, "start").oidcProvider).toBeNull();
    expect(
      resolveStack({ BETTER_AUTH_SECRET: secret, OIDC_DEV_PROVIDER: "off" }, "dev").oidcProvider,
    ).toBeNull();
    const own = resolveStack(
      { BETTER_AUTH_SECRET: secret, OIDC_ISSUER: "https://id.example.com", OIDC_NAME: "Example ID" },
      "dev",
    );
    expect(own.oidcProvider).toBeNull();
    expect(own.webEnv.OIDC_ISSUER).toBe("https://id.example.com");
    expect(own.signInProviders).toBe("Example ID (https://id.example.com)");
  });

  it("takes its port from OIDC_DEV_PORT and refuses one another service uses", () => {
    expect(
      resolveStack({ BETTER_AUTH_SECRET: secret, OIDC_DEV_PORT: "9123" }, "dev").webEnv.OIDC_ISSUER,
    ).toBe("http://127.0.0.1:9123");
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, OIDC_DEV_PORT: "3000" }, "dev")).toThrow(
      StackError,
    );
    expect(() => resolveStack({ BETTER_AUTH_SECRET: secret, OIDC_DEV_PORT: "x" }, "dev")).toThrow(StackError);
  });
});
