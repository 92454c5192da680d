// Requirement: the session token never leaves its HttpOnly cookie. Every Better Auth route the web
// app uses, and the pages that show sessions, scanned for the cookie's token over real HTTP;
// revocation by session id; revocation by token refused to a browser.
import { describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import type { HttpResponse } from "./lib/http.ts";
import { dialects, newIp, sessionCookie, useStack } from "./lib/stack.ts";

/** The raw session token inside a `better-auth.session_token=<token>.<signature>` cookie pair. */
function tokenOf(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0] ?? "";
}

/** Nothing but Set-Cookie carries it: not the body, not another header (Location included). */
function expectNoToken(label: string, response: HttpResponse, token: string): void {
  expect(token.length, label).toBeGreaterThan(16);
  expect(response.text, label).not.toContain(token);
  expect(response.text, label).not.toContain(encodeURIComponent(token));
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") expect(value, `${label}: ${name}`).not.toContain(token);
  }
}

describe.each(dialects())("5. session tokens stay in the cookie (%s)", (dialect) => {
  const s = useStack(dialect);

  attack(
    "every Better Auth route the web app uses, and the settings page, read for the session token",
    "the token appears in Set-Cookie only (never a body, header, URL or log line)",
    async () => {
      const ip = newIp();
      const email = `scan-${Date.now()}@example.test`;
      const password = "correct horse battery";
      const seen: [string, HttpResponse, string[]][] = [];
      const signUp = await s().web("/api/auth/sign-up/email", { json: { name: "Ada", email, password }, ip });
      expect(signUp.status).toBe(200);
      const first = sessionCookie(signUp);
      seen.push(["sign-up", signUp, [tokenOf(first)]]);
      const signIn = await s().web("/api/auth/sign-in/email", { json: { email, password }, ip });
      expect(signIn.status).toBe(200);
      const cookie = sessionCookie(signIn);
      const tokens = [tokenOf(first), tokenOf(cookie)];
      seen.push(["sign-in", signIn, tokens]);
      for (const path of [
        "/api/auth/get-session",
        "/api/auth/list-sessions",
        "/api/auth/token",
        "/settings",
        "/tasks",
      ]) {
        const response = await s().web(path, { cookie, ip });
        expect(response.status, path).toBe(200);
        seen.push([path, response, tokens]);
      }
      const update = await s().web("/api/auth/update-user", { json: { name: "Ada L." }, cookie, ip });
      expect(update.status).toBe(200);
      seen.push(["update-user", update, tokens]);
      const changed = await s().web("/api/auth/change-password", {
        json: { currentPassword: password, newPassword: "another correct horse", revokeOtherSessions: true },
        cookie,
        ip,
      });
      expect(changed.status).toBe(200);
      const renewed = sessionCookie(changed);
      tokens.push(tokenOf(renewed));
      seen.push(["change-password", changed, tokens]);
      const signOut = await s().web("/api/auth/sign-out", { json: {}, cookie: renewed, ip });
      expect(signOut.status).toBe(200);
      seen.push(["sign-out", signOut, tokens]);
      for (const [label, response, secrets] of seen)
        for (const token of secrets) expectNoToken(label, response, token);

      const logs = s().logs().join("\n");
      for (const token of tokens) expect(logs).not.toContain(token);
    },
  );

  attack(
    "revoke another device's session by its id (the `sid` its API tokens carry)",
    "that session ends (its cookie and its JWT are refused); another user's id → 404, nothing changes",
    async () => {
      const ada = await s().signUp({ name: "Ada" });
      const phone = await s().signIn(ada.email, ada.password);
      const bob = await s().signUp({ name: "Bob" });
      const foreign = await s().web("/api/auth/revoke-session-by-id", {
        json: { sessionId: bob.sessionId },
        cookie: ada.cookie,
        ip: ada.ip,
      });
      expect(foreign.status).toBe(404);
      expect(
        (await s().web("/api/auth/get-session", { cookie: bob.cookie, ip: bob.ip })).json(),
      ).not.toBeNull();

      const revoked = await s().web("/api/auth/revoke-session-by-id", {
        json: { sessionId: phone.sessionId },
        cookie: ada.cookie,
        ip: ada.ip,
      });
      expect(revoked.status).toBe(200);
      expect((await s().web("/api/auth/get-session", { cookie: phone.cookie, ip: ada.ip })).text).toBe(
        "null",
      );
      expect((await s().web("/api/auth/token", { cookie: phone.cookie, ip: ada.ip })).status).toBe(401);
      expect(
        (await s().web("/api/auth/get-session", { cookie: ada.cookie, ip: ada.ip })).json(),
      ).not.toBeNull();
    },
  );

  attack(
    "revoke a session by its token from a browser (Origin set), even the caller's own",
    "refused (404); the session lives on",
    async () => {
      const ada = await s().signUp({ name: "Ada" });
      const refused = await s().web("/api/auth/revoke-session", {
        json: { token: tokenOf(ada.cookie) },
        cookie: ada.cookie,
        ip: ada.ip,
      });
      expect(refused.status).toBe(404);
      expect(
        (await s().web("/api/auth/get-session", { cookie: ada.cookie, ip: ada.ip })).json(),
      ).not.toBeNull();
    },
  );
});
