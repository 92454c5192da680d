// Cookies and headers (issue 4): every page carries a nonce-based CSP and the static security
// headers, nothing names the framework, and the real sign-up → tasks flow runs without a single
// CSP violation (a blocked script would also break hydration, so the flow itself is a check).
import type { APIResponse } from "@playwright/test";
import { addTask, API_URL, expect, newUser, signUpViaUi, test, WEB_URL } from "./fixtures";

function directives(csp: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (csp ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values.join(" "));
  }
  return map;
}

function expectSecurityHeaders(response: APIResponse): Map<string, string> {
  const headers = response.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["x-powered-by"]).toBeUndefined();
  // The test servers are plain http: HSTS there would be ignored, and would pin localhost.
  expect(headers["strict-transport-security"]).toBeUndefined();
  const csp = directives(headers["content-security-policy"]);
  expect(csp.get("default-src")).toBe("'self'");
  expect(csp.get("frame-ancestors")).toBe("'none'");
  expect(csp.get("object-src")).toBe("'none'");
  expect(csp.get("base-uri")).toBe("'none'");
  expect(csp.get("form-action")).toBe("'self'");
  expect(csp.get("img-src")).toBe("'self' data:");
  expect(csp.get("connect-src")).toBe(`'self' ${new URL(API_URL()).origin}`);
  expect(csp.get("script-src")).toMatch(/^'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'$/);
  expect(csp.get("script-src")).not.toContain("unsafe");
  return csp;
}

test("pages send a nonce-based CSP and the security headers", async ({ request }) => {
  for (const path of ["/", "/sign-in", "/sign-up", "/no-such-page"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect([200, 404], path).toContain(response.status());
    expectSecurityHeaders(response);
  }
  // The redirect a signed-out visitor gets from a protected page carries them too.
  const redirect = await request.get("/tasks", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers().location).toMatch(/\/sign-in\?next=%2Ftasks$/);
  expectSecurityHeaders(redirect);

  // A fresh nonce per response, and the page's scripts carry it.
  const [first, second] = [await request.get("/sign-in"), await request.get("/sign-in")];
  const nonceOf = (r: APIResponse) =>
    /'nonce-([^']+)'/.exec(r.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonceOf(first)).not.toBe(nonceOf(second));
  expect(await second.text()).toContain(`nonce="${nonceOf(second)}"`);
});

test("Better Auth's routes are untouched and name no framework", async ({ request }) => {
  const response = await request.get(`${WEB_URL()}/api/auth/get-session`);
  expect(response.status()).toBe(200);
  expect(response.headers()["x-powered-by"]).toBeUndefined();
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the session cookie is HttpOnly and SameSite=Lax (Secure needs https: see packages/auth)", async ({
  request,
}) => {
  const response = await request.post("/api/auth/sign-up/email", {
    data: newUser(),
    headers: { Origin: WEB_URL() },
  });
  expect(response.status()).toBe(200);
  const cookie = response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value)
    .find((value) => value.startsWith("better-auth.session_token="));
  expect(cookie).toBeDefined();
  const flags = (cookie ?? "").split(";").map((part) => part.trim().toLowerCase());
  expect(flags).toEqual(expect.arrayContaining(["httponly", "samesite=lax"]));
});

test("signing up and working on tasks triggers no CSP violation", async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { __cspViolations: seen });
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective}: ${event.blockedURI}`);
    });
  });
  const violations = () =>
    page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

  await page.goto("/sign-up");
  expect(await violations()).toEqual([]);
  await signUpViaUi(page, newUser("Csp Tester"));
  await addTask(page, "Allowed by the policy");
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Allowed by the policy", exact: true })).toBeVisible();
  expect(await violations()).toEqual([]);
  // Violations are also console errors, which the fixtures fail the test on.
});
