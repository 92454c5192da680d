// Session cookie flags (issue 4): `Secure` and the `__Secure-` prefix follow the public URL's
// scheme, not NODE_ENV; HttpOnly and SameSite=Lax always.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase, testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuth } from "./auth.ts";

/** Signs a user up by calling the handler directly (no server: the URL's scheme is all that counts). */
async function signUpCookies(database: TestDatabase, baseURL: string): Promise<string[]> {
  const auth = createAuth({ database, baseURL, secret: randomBytes(32).toString("base64url") });
  const response = await auth.handler(
    new Request(`${baseURL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { origin: baseURL, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Cookie Tester",
        email: `cookie-${randomBytes(6).toString("hex")}@example.test`,
        password: "correct-horse-battery",
      }),
    }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return response.headers.getSetCookie();
}

/** The attributes of the cookie named `name`, lower-cased (`secure`, `samesite=lax`, …). */
function attributes(cookies: string[], name: string): string[] | undefined {
  const cookie = cookies.find((c) => c.startsWith(`${name}=`));
  return cookie
    ?.split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

describe.each(testDialects())("session cookies (%s)", (dialect) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.cleanup());

  it("are __Secure-, Secure, HttpOnly and SameSite=Lax when the public URL is https", async () => {
    const cookies = await signUpCookies(database, "https://app.example.test");
    const flags = attributes(cookies, "__Secure-better-auth.session_token");
    expect(flags, cookies.join("\n")).toBeDefined();
    expect(flags).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
    // Every cookie Better Auth sets on https is prefixed and Secure.
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^__Secure-/);
      expect(cookie.toLowerCase()).toContain("; secure");
    }
  });

  it("are HttpOnly and SameSite=Lax without Secure on http://localhost", async () => {
    const cookies = await signUpCookies(database, "http://localhost:3000");
    const flags = attributes(cookies, "better-auth.session_token");
    expect(flags, cookies.join("\n")).toBeDefined();
    expect(flags).toEqual(expect.arrayContaining(["httponly", "samesite=lax"]));
    // A Secure cookie would never come back over plain http.
    expect(flags).not.toContain("secure");
  });
});
