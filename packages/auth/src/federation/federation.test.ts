// Provider configuration and the rules that hold whatever is configured (decision 017), against
// a real Better Auth server. The sign-in flows themselves run against a real OpenID Connect
// provider in tooling/stack (oidc-*.test.ts).
import { createTestDatabase, startAuthServer, type AuthServer, type TestDatabase } from "@tandem/testing";
import { post } from "@tandem/testing/auth-requests";
import { afterEach, describe, expect, it } from "vitest";
import { PROVIDER_TOKEN_PATHS } from "./federation.ts";
import {
  configuredProviders,
  expectedIssuers,
  type FederationConfig,
  openIdProviders,
  providerName,
  socialProviders,
} from "./providers.ts";

const ALL: FederationConfig = {
  oidc: { issuer: "https://id.example.com/", clientId: "c", clientSecret: "s", name: "Example ID" },
  google: { clientId: "g", clientSecret: "gs" },
  github: { clientId: "h", clientSecret: "hs" },
};

describe("provider configuration", () => {
  it("offers each configured provider by id and name, and nothing when none is", () => {
    expect(configuredProviders(ALL)).toEqual([
      { id: "oidc", name: "Example ID" },
      { id: "google", name: "Google" },
      { id: "github", name: "GitHub" },
    ]);
    expect(configuredProviders(undefined)).toEqual([]);
    expect(configuredProviders({ github: ALL.github })).toEqual([{ id: "github", name: "GitHub" }]);
    expect(providerName(ALL, "oidc")).toBe("Example ID");
    expect(providerName(undefined, "oidc")).toBe("oidc");
  });

  it("runs OpenID Connect providers through discovery with PKCE and verified ID tokens", () => {
    const [oidc, google] = openIdProviders(ALL);
    expect(oidc).toMatchObject({
      providerId: "oidc",
      discoveryUrl: "https://id.example.com/.well-known/openid-configuration",
      pkce: true,
      requireIdTokenVerification: true,
      scopes: ["openid", "email", "profile"],
    });
    expect(google).toMatchObject({
      providerId: "google",
      discoveryUrl: "https://accounts.google.com/.well-known/openid-configuration",
      requireIdTokenVerification: true,
    });
    expect(expectedIssuers(ALL)).toEqual(
      new Map([
        ["oidc", "https://id.example.com"],
        ["google", "https://accounts.google.com"],
      ]),
    );
    expect(Object.keys(socialProviders(ALL))).toEqual(["github"]);
    expect(socialProviders({})).toEqual({});
  });

  it("names a new account after the profile, else its user name, else the email", () => {
    const map = openIdProviders(ALL)[0]?.mapProfileToUser;
    expect(map?.({ name: " Ada ", email: "a@x.test", emailVerified: true })).toEqual({ name: "Ada" });
    expect(map?.({ preferred_username: "ada", email: "a@x.test", emailVerified: true })).toEqual({
      name: "ada",
    });
    expect(map?.({ email: "ada.l@x.test", emailVerified: true })).toEqual({ name: "ada.l" });
  });
});

describe("provider rules", () => {
  let database: TestDatabase;
  let auth: AuthServer;

  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  async function start(federation?: FederationConfig) {
    database = await createTestDatabase("sqlite");
    auth = await startAuthServer({ database, ...(federation === undefined ? {} : { federation }) });
  }

  it("offers no provider and no token route when none is configured", async () => {
    await start();
    const user = await auth.signUp();
    const unknown = await post(auth, "/sign-in/social", { provider: "oidc", callbackURL: "/tasks" });
    expect(unknown.status).toBe(404);
    for (const path of PROVIDER_TOKEN_PATHS) {
      for (const method of ["GET", "POST"]) {
        const answer = await fetch(`${auth.baseURL}/api/auth${path}`, {
          method,
          headers: { cookie: user.cookie, origin: auth.baseURL, "content-type": "application/json" },
          ...(method === "POST" ? { body: "{}" } : {}),
        });
        expect(answer.status, `${method} ${path}`).toBe(404);
      }
    }
    const [password] = await (await auth.auth.$context).internalAdapter.findAccounts(user.id);
    const unlink = await post(auth, "/unlink-account", { accountId: password?.id }, { cookie: user.cookie });
    expect(unlink.status).toBe(400);
    expect((unlink.body as { code?: string }).code).toBe("PASSWORD_NOT_UNLINKABLE");
  });

  it("sends GitHub sign-ins to GitHub with PKCE and state", async () => {
    await start({ github: { clientId: "gh-client", clientSecret: "gh-secret" } });
    const answer = await post(auth, "/sign-in/social", { provider: "github", callbackURL: "/tasks" });
    expect(answer.status).toBe(200);
    const url = new URL((answer.body as { url: string }).url);
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("gh-client");
    expect(url.searchParams.get("redirect_uri")).toBe(`${auth.baseURL}/api/auth/callback/github`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBeTruthy();
  });
});
