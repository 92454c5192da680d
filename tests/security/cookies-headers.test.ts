// Requirements group 9: cookies and headers. Cookie prefixes and flags (including a web instance
// whose public URL is https), security headers on pages and the API, no-store on user data, no
// banners, a forced 500 that reveals nothing, and no secret in any log line.
import { beforeAll, describe, expect } from "vitest";
import type { StackService } from "@tandem/stack";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, targets, newIp, sessionCookie, useStack } from "./lib/stack.ts";

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

describe.each(targets())("9. cookies and headers ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let httpsWeb: StackService;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
    // The same app published at an https URL (TLS ends at the proxy): Secure cookies and HSTS.
    httpsWeb = await s().stack.addService("web", `${backend}-${dialect}-https`, {
      BETTER_AUTH_URL: HTTPS_URL,
    });
  });

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
        expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
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
      for (const path of ["/api/auth/get-session", "/api/auth/token", "/api/auth/list-sessions", "/tasks"]) {
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
      let requestId = "";
      try {
        const response = await s().api("/api/tasks", { token: alice.token });
        const body = expectProblem(response, 500, "INTERNAL_ERROR");
        requestId = response.headers.get("x-request-id") ?? "";
        expect(body.requestId).toBe(requestId);
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
      const logged = await s().logsThrough(requestId);
      expect(logged.some((line) => line.includes(requestId) && line.includes('"unhandled error"'))).toBe(
        true,
      );
    },
  );

  attack(
    "everything this file sent so far, as seen in both services' logs",
    "no access token, session cookie or password in any log line",
    async () => {
      // One more request, so that every line logged before it has been written out.
      const last = await s().api("/api/me", { token: alice.token });
      const logs = (await s().logsThrough(last.headers.get("x-request-id") ?? "")).join("\n");
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
