// A provider that is not the issuer Tandem was configured with is refused (decision 017): ID
// tokens signed as another issuer than discovery announced, and a discovery document announcing
// another issuer than the configured one. A small proxy in front of the development provider
// serves the doctored discovery document; every other endpoint is the real provider's.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type OidcHarness, startOidcHarness } from "./oidc-harness.ts";
import type { OidcProvider } from "./oidc-provider.ts";
import { TestBrowser } from "./oidc-test-browser.ts";
import { finishAtApp, startAtApp, throughProvider } from "./oidc-test-flows.ts";

const DISCOVERY = "/.well-known/openid-configuration";

/**
 * Serves `idp`'s discovery document with `issuer` replaced by what `announce` returns for the
 * proxy's own URL; answers nothing else.
 */
async function discoveryProxy(
  idp: OidcProvider,
  announce: (proxyUrl: string) => string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url !== DISCOVERY) return void response.writeHead(404).end();
    void (async () => {
      const real = (await (await fetch(`${idp.issuer}${DISCOVERY}`)).json()) as Record<string, unknown>;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ...real, issuer: announce(url) }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server };
}

describe("provider issuer", () => {
  let h: OidcHarness | undefined;
  let proxy: Server | undefined;

  afterEach(async () => {
    await h?.close();
    proxy?.closeAllConnections();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    h = undefined;
    proxy = undefined;
  });

  /** Tandem configured with the proxy as its issuer, the proxy announcing `announce(proxyUrl)`. */
  async function behindProxy(announce: (proxyUrl: string) => string): Promise<OidcHarness> {
    h = await startOidcHarness("sqlite", {
      issuer: async (idp) => {
        const started = await discoveryProxy(idp, announce);
        proxy = started.server;
        return started.url;
      },
    });
    return h;
  }

  async function usersWith(harness: OidcHarness, email: string) {
    return (await (await harness.auth.auth.$context).internalAdapter.findUserByEmail(email)) === null ? 0 : 1;
  }

  it("refuses ID tokens signed as another issuer than discovery announced", async () => {
    // Discovery says the proxy is the issuer (as configured); the tokens say the real provider.
    const harness = await behindProxy((proxyUrl) => proxyUrl);
    const email = "wrong-issuer@example.test";

    const browser = new TestBrowser();
    const authorize = await startAtApp(browser, harness.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
      errorCallbackURL: "/sign-in?provider=oidc",
    });
    const callback = await throughProvider(browser, authorize, { email });
    // The authorization response names its issuer (RFC 9207): refused at once.
    expect(callback.searchParams.get("iss")).toBe(harness.idp.issuer);
    const withIss = await finishAtApp(browser, callback);
    expect(withIss.searchParams.get("error")).toBe("issuer_mismatch");

    // Without that parameter (a provider that does not send it), the ID token's own `iss` fails.
    const second = new TestBrowser();
    const again = await startAtApp(second, harness.auth.baseURL, "/sign-in/social", {
      provider: "oidc",
      callbackURL: "/tasks",
      errorCallbackURL: "/sign-in?provider=oidc",
    });
    const bare = await throughProvider(second, again, { email });
    bare.searchParams.delete("iss");
    const withoutIss = await finishAtApp(second, bare);
    expect(withoutIss.searchParams.get("error")).toBe("unable_to_get_user_info");
    expect(await usersWith(harness, email)).toBe(0);
  });

  it("refuses to start a sign-in with a provider whose discovery announces another issuer", async () => {
    // Configured with the proxy's URL; discovery announces some other issuer.
    const harness = await behindProxy(() => "http://127.0.0.1:1/elsewhere");
    const response = await fetch(`${harness.auth.baseURL}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { origin: harness.auth.baseURL, "content-type": "application/json" },
      body: JSON.stringify({ provider: "oidc", callbackURL: "/tasks" }),
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { code?: string }).code).toBe("PROVIDER_ISSUER_MISMATCH");
  });
});
