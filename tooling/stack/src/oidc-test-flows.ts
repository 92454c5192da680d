// The steps of a sign-in with the development provider, for the Vitest suites: start it at the
// app, go through the provider's pages, come back. Each returns where the browser is sent next
// without going there, so a test can look at the URL or change it first.
import type { TestBrowser } from "./oidc-test-browser.ts";

export interface ProviderAnswer {
  email: string;
  /** Whether the provider vouches for the email (default true). */
  verified?: boolean;
  name?: string;
  /** Allow the app in (default), or deny it on the consent page. */
  consent?: "allow" | "deny";
}

/**
 * Posts to one of the app's JSON endpoints that start a provider flow (`/sign-in/social`,
 * `/link-social`) and returns the provider's authorization URL it answers with.
 */
export async function startAtApp(
  browser: TestBrowser,
  appUrl: string,
  path: "/sign-in/social" | "/link-social",
  body: Record<string, unknown>,
): Promise<URL> {
  const response = await browser.request(`${appUrl}/api/auth${path}`, {
    json: body,
    headers: { origin: new URL(appUrl).origin },
  });
  const answer = (await response.json()) as { url?: string };
  if (response.status !== 200 || typeof answer.url !== "string") {
    throw new Error(`${path} answered ${response.status} ${JSON.stringify(answer)}`);
  }
  return new URL(answer.url);
}

/**
 * From the provider's authorization URL through its login and consent pages; returns the app URL
 * the provider redirects to (the callback, with `code`, `state` and `iss`, or `error`).
 */
export async function throughProvider(
  browser: TestBrowser,
  authorizeUrl: URL,
  answer: ProviderAnswer,
): Promise<URL> {
  const provider = authorizeUrl.origin;
  const leaves = (url: URL) => url.origin !== provider;
  const login = await browser.browse(authorizeUrl, { stopAt: leaves });
  if (login.stopped) return login.url;
  await expectPage(login, "/interaction/", "the login page");
  const form: Record<string, string> = { email: answer.email, name: answer.name ?? "" };
  if (answer.verified ?? true) form.email_verified = "true";
  const consent = await browser.browse(`${login.url.href}/login`, { form, stopAt: leaves });
  if (consent.stopped) return consent.url;
  await expectPage(consent, "/interaction/", "the consent page");
  const step = answer.consent === "deny" ? "abort" : "consent";
  const back = await browser.browse(`${consent.url.href}/${step}`, { form: {}, stopAt: leaves });
  if (!back.stopped)
    throw new Error(
      `the provider did not send the browser back: ${back.response.status} at ${back.url.href}`,
    );
  return back.url;
}

/** Requests the app's callback and returns where the app then sends the browser (not requested). */
export async function finishAtApp(browser: TestBrowser, callback: URL): Promise<URL> {
  const done = await browser.browse(callback, { stopAt: (url) => !url.pathname.startsWith("/api/auth/") });
  if (!done.stopped) throw new Error(`the callback answered ${done.response.status} at ${done.url.href}`);
  return done.url;
}

async function expectPage(hop: { url: URL; response: Response }, path: string, what: string): Promise<void> {
  const text = await hop.response.text();
  if (hop.response.status !== 200 || !hop.url.pathname.startsWith(path)) {
    throw new Error(`expected ${what}, got ${hop.response.status} at ${hop.url.href}: ${text.slice(0, 300)}`);
  }
}
