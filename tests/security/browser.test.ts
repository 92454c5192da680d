// Requirements groups 7 and 9: what browsers rely on. Better Auth's origin checks (CSRF) on
// cookie-bearing requests, the API's exact CORS allowlist, cookie prefixes and flags (including a
// web instance whose public URL is https), security headers on pages and the API, no-store on
// user data, no banners, and a forced 500 that reveals nothing.
import { beforeAll, describe, expect } from "vitest";
import type { StackService } from "../../scripts/lib/test-stack.ts";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, dialects, newIp, sessionCookie, useStack } from "./lib/stack.ts";

const HTTPS_URL = "https://tandem.example";

/** The attributes of the cookie named `name`, lower-cased. */
function cookieFlags(response: HttpResponse, name: string): string[] {
  const cookie = response.cookies.find((c) => c.startsWith(`${name}=`));
  expect(cookie, `Set-Cookie ${name}`).toBeDefined();
  return (cookie ?? "")
    .split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

describe.each(dialects())("browser boundary (%s)", (dialect) => {
  const s = useStack(dialect);
  let alice: Account;
  let httpsWeb: StackService;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
    // The same app published at an https URL (TLS ends at the proxy): Secure cookies and HSTS.
    httpsWeb = await s().stack.addService("web", `${dialect}-https`, { BETTER_AUTH_URL: HTTPS_URL });
  });
  /** Alice's session still works (the forged request changed nothing). */
  const expectSessionAlive = async (account: Account) =>
    expect((await s().web("/api/auth/token", { cookie: account.cookie, ip: account.ip })).status).toBe(200);

  describe("7. CSRF, origin and CORS", () => {
    attack(
      "a cookie-bearing sign-out / revoke-all / profile change from a foreign or look-alike Origin",
      "403 INVALID_ORIGIN; the session and profile unchanged",
      async () => {
        const { port } = new URL(s().issuer);
        for (const origin of [
          "https://evil.example",
          `http://localhost:${port}.evil.example`,
          `http://localhost:${Number(port) + 1}`,
          `https://localhost:${port}`,
          `http://evil.example/http://localhost:${port}`,
        ]) {
          for (const [path, json] of [
            ["/api/auth/sign-out", {}],
            ["/api/auth/revoke-other-sessions", {}],
            ["/api/auth/update-user", { name: "Pwned" }],
          ] as const) {
            const response = await s().web(path, { cookie: alice.cookie, ip: alice.ip, origin, json });
            expect(response.status, `${path} from ${origin}`).toBe(403);
            expect(response.json()).toMatchObject({ code: "INVALID_ORIGIN" });
          }
        }
        await expectSessionAlive(alice);
        const session = await s().web("/api/auth/get-session", { cookie: alice.cookie, ip: alice.ip });
        expect(session.json<{ user: { name: string } }>().user.name).toBe("Alice");
      },
    );

    attack(
      "a cookie-bearing POST with no Origin, Origin: null, or only a foreign Referer",
      "403 (MISSING_OR_NULL_ORIGIN / INVALID_ORIGIN)",
      async () => {
        const post = (headers: Record<string, string>) =>
          s().web("/api/auth/sign-out", {
            cookie: alice.cookie,
            ip: alice.ip,
            origin: null,
            json: {},
            headers,
          });
        expect((await post({})).json()).toMatchObject({ code: "MISSING_OR_NULL_ORIGIN" });
        expect((await post({ origin: "null" })).json()).toMatchObject({ code: "MISSING_OR_NULL_ORIGIN" });
        const referer = await post({ referer: "https://evil.example/page" });
        expect(referer.status).toBe(403);
        expect(referer.json()).toMatchObject({ code: "INVALID_ORIGIN" });
        await expectSessionAlive(alice);
      },
    );

    attack(
      "a cross-site form posting the attacker's credentials (login CSRF)",
      "403: no session cookie set",
      async () => {
        const attacker = await s().signUp({ name: "Attacker" });
        const attempts: Record<string, string>[] = [
          { origin: "https://evil.example" },
          { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
        ];
        for (const headers of attempts) {
          const response = await s().web("/api/auth/sign-in/email", {
            origin: null,
            ip: newIp(),
            headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ email: attacker.email, password: attacker.password }).toString(),
          });
          expect(response.status).toBe(403);
          expect(response.cookies.join(";")).not.toContain("session_token");
          const json = await s().web("/api/auth/sign-in/email", {
            origin: null,
            ip: newIp(),
            headers,
            json: { email: attacker.email, password: attacker.password },
          });
          expect(json.status).toBe(403);
          expect(json.cookies.join(";")).not.toContain("session_token");
        }
      },
    );

    attack(
      "the browser-only-forbidden /change-email called directly with a session",
      "404: only the settings page's server action may change an email",
      async () => {
        const response = await s().web("/api/auth/change-email", {
          cookie: alice.cookie,
          ip: alice.ip,
          json: { newEmail: "evil@example.test" },
        });
        expect(response.status).toBe(404);
      },
    );

    attack(
      "an API preflight from the web app's own origin",
      "204 with Access-Control-Allow-Origin = that origin exactly, no credentials",
      async () => {
        const origin = new URL(s().issuer).origin;
        const response = await s().api("/api/tasks", {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
          },
        });
        expect(response.status).toBe(204);
        expect(response.headers.get("access-control-allow-origin")).toBe(origin);
        expect(response.headers.get("access-control-allow-methods")).toContain("POST");
        expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
          "authorization",
        );
        expect(response.headers.get("access-control-allow-credentials")).toBeNull();
        expect(response.headers.get("vary")).toMatch(/origin/i);
      },
    );

    attack(
      "API preflights and requests from foreign and look-alike origins",
      "no Access-Control-Allow-Origin at all",
      async () => {
        const origin = new URL(s().issuer).origin;
        const { port } = new URL(origin);
        for (const foreign of [
          "https://evil.example",
          "null",
          `${origin}.evil.example`,
          `${origin}/`,
          origin.toUpperCase(),
          origin.replace("http://", "https://"),
          `http://localhost:${Number(port) + 1}`,
          `http://127.0.0.1:${port}`,
          `http://sub.localhost:${port}`,
          "*",
        ]) {
          const preflight = await s().api("/api/tasks", {
            method: "OPTIONS",
            headers: {
              origin: foreign,
              "access-control-request-method": "DELETE",
              "access-control-request-headers": "authorization",
            },
          });
          expect(
            preflight.headers.get("access-control-allow-origin"),
            `preflight from ${foreign}`,
          ).toBeNull();
          const read = await s().api("/api/tasks", { token: alice.token, headers: { origin: foreign } });
          expect(read.headers.get("access-control-allow-origin"), `GET from ${foreign}`).toBeNull();
          expect(read.headers.get("access-control-allow-credentials")).toBeNull();
        }
      },
    );

    attack(
      "Better Auth's routes preflighted from a foreign origin",
      "no CORS headers: the auth API is same-origin only",
      async () => {
        const response = await s().web("/api/auth/get-session", {
          method: "OPTIONS",
          origin: "https://evil.example",
          headers: { "access-control-request-method": "GET", "access-control-request-headers": "cookie" },
        });
        expect(response.headers.get("access-control-allow-origin")).toBeNull();
        expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      },
    );
  });

  describe("9. cookies and headers", () => {
    attack(
      `signing up where the public URL is ${HTTPS_URL}`,
      "__Secure-better-auth.session_token with Secure, HttpOnly, SameSite=Lax, Path=/; every cookie __Secure- and Secure",
      async () => {
        const response = await s().web("/api/auth/sign-up/email", {
          base: httpsWeb.url,
          origin: HTTPS_URL,
          ip: newIp(),
          json: {
            name: "Secure",
            email: `secure-${Date.now()}@example.test`,
            password: "correct-horse-battery",
          },
        });
        expect(response.status).toBe(200);
        const flags = cookieFlags(response, "__Secure-better-auth.session_token");
        expect(flags).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
        for (const cookie of response.cookies) {
          expect(cookie).toMatch(/^__Secure-/);
          expect(cookie.toLowerCase()).toMatch(/;\s*secure(;|$)/);
        }
        // The prefixed cookie is the one the app accepts.
        const token = await s().web("/api/auth/token", {
          base: httpsWeb.url,
          origin: HTTPS_URL,
          cookie: sessionCookie(response),
        });
        expect(token.status).toBe(200);
      },
    );

    attack(
      `pages served for ${HTTPS_URL}`,
      "Strict-Transport-Security: max-age=31536000; includeSubDomains",
      async () => {
        for (const path of ["/", "/sign-in"]) {
          const response = await s().web(path, { base: httpsWeb.url, origin: null });
          expect(response.headers.get("strict-transport-security")).toBe(
            "max-age=31536000; includeSubDomains",
          );
        }
      },
    );

    attack(
      "signing up on plain-http localhost",
      "HttpOnly + SameSite=Lax session cookie, and no HSTS",
      async () => {
        const response = await s().web("/api/auth/sign-up/email", {
          ip: newIp(),
          json: {
            name: "Plain",
            email: `plain-${Date.now()}@example.test`,
            password: "correct-horse-battery",
          },
        });
        expect(cookieFlags(response, "better-auth.session_token")).toEqual(
          expect.arrayContaining(["httponly", "samesite=lax"]),
        );
        expect((await s().web("/", { origin: null })).headers.get("strict-transport-security")).toBeNull();
      },
    );

    attack(
      "loading pages (/, /sign-in, /tasks signed in and out)",
      "nonce CSP without unsafe-inline scripts, frame-ancestors 'none', nosniff, Referrer-Policy, COOP, no X-Powered-By",
      async () => {
        const nonces = new Set<string>();
        for (const [path, cookie] of [
          ["/", undefined],
          ["/sign-in", undefined],
          ["/tasks", undefined],
          ["/tasks", alice.cookie],
        ] as const) {
          const response = await s().web(path, { origin: null, ...(cookie ? { cookie } : {}) });
          expect(response.status, path).toBeLessThan(400);
          const csp = response.headers.get("content-security-policy") ?? "";
          const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
          expect(nonce, `${path}: nonce`).toBeDefined();
          nonces.add(nonce ?? "");
          expect(csp).toContain("frame-ancestors 'none'");
          expect(csp).toContain("object-src 'none'");
          expect(csp).toContain("base-uri 'none'");
          expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
          expect(response.headers.get("x-content-type-options")).toBe("nosniff");
          expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
          expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
          expect(response.headers.get("x-powered-by")).toBeNull();
        }
        expect(nonces.size, "a fresh nonce per response").toBe(4);
      },
    );

    attack(
      "API responses (health, docs, user data, errors)",
      "nosniff, X-Frame-Options DENY, restrictive CSP, no-store on /api, no X-Powered-By or Server banner",
      async () => {
        for (const [path, token] of [
          ["/health", undefined],
          ["/openapi.json", undefined],
          ["/api/me", alice.token],
          ["/api/tasks", alice.token],
          ["/api/nope", alice.token],
          ["/api/me", undefined],
        ] as const) {
          const response = await s().api(path, token ? { token } : {});
          expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
          expect(response.headers.get("x-frame-options"), path).toBe("DENY");
          expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
          expect(response.headers.get("x-powered-by"), path).toBeNull();
          expect(response.headers.get("server"), path).toBeNull();
          if (path.startsWith("/api/")) expect(response.headers.get("cache-control"), path).toBe("no-store");
        }
      },
    );

    attack(
      "user data from the web app (session, token, session list, signed-in page)",
      "Cache-Control: no-store (never kept by a browser or proxy cache)",
      async () => {
        for (const path of [
          "/api/auth/get-session",
          "/api/auth/token",
          "/api/auth/list-sessions",
          "/tasks",
        ]) {
          const response = await s().web(path, { cookie: alice.cookie, ip: alice.ip, origin: null });
          expect(response.status, path).toBe(200);
          expect(response.headers.get("cache-control") ?? "", path).toMatch(/no-store/);
        }
      },
    );

    attack(
      "a server fault (an insider renamed the task table under the running API)",
      "500 INTERNAL_ERROR problem+json with a request id and no SQL, paths or stack",
      async () => {
        const table = `task_hidden_${dialect}`;
        await s().db.db.schema.alterTable("task").renameTo(table).execute();
        try {
          const response = await s().api("/api/tasks", { token: alice.token });
          const body = expectProblem(response, 500, "INTERNAL_ERROR");
          expect(body.requestId).toBe(response.headers.get("x-request-id"));
          expect(response.text).not.toMatch(
            /no such table|relation "|select |sqlite|postgres|kysely|task_hidden/i,
          );
          const created = await s().api("/api/tasks", { token: alice.token, json: { title: "x" } });
          expectProblem(created, 500, "INTERNAL_ERROR");
        } finally {
          await s().db.db.schema.alterTable(table).renameTo("task").execute();
        }
        expect((await s().api("/api/tasks", { token: alice.token })).status).toBe(200);
        // The operator still gets the details, under the same request id.
        expect(
          s()
            .logs()
            .some((line) => line.includes('"unhandled error"')),
        ).toBe(true);
      },
    );

    attack(
      "everything this file sent so far, as seen in both services' logs",
      "no access token, session cookie or password in any log line",
      async () => {
        const logs = s().logs().join("\n");
        expect(logs.length).toBeGreaterThan(0);
        for (const secret of [
          alice.token,
          alice.token.split(".")[2] ?? "",
          alice.password,
          alice.cookie.split("=")[1] ?? "",
        ]) {
          expect(secret.length).toBeGreaterThan(10);
          expect(logs).not.toContain(secret);
        }
      },
    );
  });
});
