// One Better Auth server (Tandem's configuration) with the development OpenID Connect provider
// configured, on a fresh database: what the provider sign-in suites start for each test.
import { randomBytes } from "node:crypto";
import type { AuthConfig, FederationConfig } from "@tandem/auth";
import { type AuthServer, createTestDatabase, startAuthServer, type TestDatabase } from "@tandem/testing";
import type { Dialect } from "@tandem/db";
import { OidcProvider } from "./oidc-provider.ts";
import { TestBrowser } from "./oidc-test-browser.ts";
import { finishAtApp, type ProviderAnswer, startAtApp, throughProvider } from "./oidc-test-flows.ts";

export const PROVIDER_NAME = "Dev ID";
export const CLIENT_ID = "tandem-test";

export interface OidcHarness {
  database: TestDatabase;
  idp: OidcProvider;
  auth: AuthServer;
  /** A whole sign-in in a new browser; returns the browser and where the app sent it last. */
  signIn(answer: ProviderAnswer, browser?: TestBrowser): Promise<{ browser: TestBrowser; landed: URL }>;
  close(): Promise<void>;
}

/**
 * Starts the provider, then the auth server configured with it (`issuer` replaces the provider's
 * own issuer in the configuration, for the wrong-issuer cases), then registers the server's
 * callback with the provider.
 */
export async function startOidcHarness(
  dialect: Dialect,
  options: { issuer?: (idp: OidcProvider) => string | Promise<string>; email?: AuthConfig["email"] } = {},
): Promise<OidcHarness> {
  const database = await createTestDatabase(dialect);
  const idp = await OidcProvider.start({ name: PROVIDER_NAME });
  const clientSecret = randomBytes(24).toString("base64url");
  const federation: FederationConfig = {
    oidc: {
      issuer: options.issuer === undefined ? idp.issuer : await options.issuer(idp),
      clientId: CLIENT_ID,
      clientSecret,
      name: PROVIDER_NAME,
    },
  };
  const auth = await startAuthServer({
    database,
    federation,
    ...(options.email === undefined ? {} : { email: options.email }),
  });
  idp.addClient({
    clientId: CLIENT_ID,
    clientSecret,
    redirectUris: [`${auth.baseURL}/api/auth/callback/oidc`],
  });
  return {
    database,
    idp,
    auth,
    async signIn(answer, browser = new TestBrowser()) {
      const authorize = await startAtApp(browser, auth.baseURL, "/sign-in/social", {
        provider: "oidc",
        callbackURL: "/tasks",
        errorCallbackURL: "/sign-in?provider=oidc",
      });
      const callback = await throughProvider(browser, authorize, answer);
      return { browser, landed: await finishAtApp(browser, callback) };
    },
    async close() {
      await auth.close();
      await idp.stop();
      await database.cleanup();
    },
  };
}
