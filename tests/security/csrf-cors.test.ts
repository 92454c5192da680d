// Requirements group 7: CSRF, origin and CORS. Better Auth's origin checks on cookie-bearing
// requests (and login CSRF), the API's exact CORS allowlist, no CORS on the auth routes.
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { type Account, dialects, newIp, useStack } from "./lib/stack.ts";

describe.each(dialects())("7. CSRF, origin and CORS (%s)", (dialect) => {
  const s = useStack(dialect);
  let alice: Account;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
  });
  /** Alice's session still works (the forged request changed nothing). */
  const expectSessionAlive = async (account: Account) =>
    expect((await s().web("/api/auth/token", { cookie: account.cookie, ip: account.ip })).status).toBe(200);

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
      expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
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
        expect(preflight.headers.get("access-control-allow-origin"), `preflight from ${foreign}`).toBeNull();
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
