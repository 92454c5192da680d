// Requirements group 5: session lifecycle. A sign-out, a revoked session, a password change that
// revokes the other sessions and an account deletion — each done over HTTP against the web app —
// must reach the API within the stated bound (docs/security.md, decision 004): the old, unexpired
// JWT is accepted before and refused (401, never 500) at most AUTH_REVOCATION_CHECK_SECONDS later.
import { describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectInvalidToken } from "./lib/expect.ts";
import { BOUND_MS, expectAcceptedNow, refusedWithinBound } from "./lib/revocation.ts";
import { targets, useStack } from "./lib/stack.ts";

describe.each(targets())("5. session lifecycle ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  const report = (what: string, ms: number) =>
    console.info(`[${backend}, ${dialect}] ${what} reached the API after ${ms} ms`);

  attack(
    "sign out, then keep using the JWT issued before",
    `accepted before; 401 invalid_token within ${BOUND_MS / 1000} s (+ margin)`,
    async () => {
      const user = await s().signUp();
      await expectAcceptedNow(s(), user.token);
      const out = await s().web("/api/auth/sign-out", {
        method: "POST",
        cookie: user.cookie,
        ip: user.ip,
        json: {},
      });
      expect(out.status).toBe(200);
      report("sign-out", await refusedWithinBound(s(), user.token, Date.now()));
      // The session itself is gone for the web app too.
      expect((await s().web("/api/auth/token", { cookie: user.cookie, ip: user.ip })).status).toBe(401);
    },
    { concurrent: true },
  );

  attack(
    "revoke one other session (a stolen device), then use that device's JWT",
    "its JWT refused within the bound; the revoking session keeps working",
    async () => {
      const user = await s().signUp();
      const stolen = await s().signIn(user.email, user.password);
      await expectAcceptedNow(s(), stolen.token);
      const sessions = await s().web("/api/auth/list-sessions", { cookie: user.cookie, ip: user.ip });
      const target = sessions.json<{ id: string }[]>().find((x) => x.id === stolen.sessionId);
      expect(target, "the other session is listed").toBeDefined();
      // By id, the `sid` the stolen device's JWT carries: session tokens never leave the cookie.
      const revoked = await s().web("/api/auth/revoke-session-by-id", {
        method: "POST",
        cookie: user.cookie,
        ip: user.ip,
        json: { sessionId: stolen.sessionId },
      });
      expect(revoked.status).toBe(200);
      report("session revocation", await refusedWithinBound(s(), stolen.token, Date.now()));
      await expectAcceptedNow(s(), user.token);
    },
    { concurrent: true },
  );

  attack(
    "change the password with revokeOtherSessions, then use the other device's JWT",
    "the other session's JWT refused within the bound; the new session's JWT works",
    async () => {
      const user = await s().signUp();
      const other = await s().signIn(user.email, user.password);
      await expectAcceptedNow(s(), other.token);
      const changed = await s().web("/api/auth/change-password", {
        method: "POST",
        cookie: user.cookie,
        ip: user.ip,
        json: {
          currentPassword: user.password,
          newPassword: `${user.password}-new`,
          revokeOtherSessions: true,
        },
      });
      expect(changed.status).toBe(200);
      const since = Date.now();
      report("password change", await refusedWithinBound(s(), other.token, since));
      // Better Auth replaces the caller's own session too: its old JWT goes, a new one works.
      await refusedWithinBound(s(), user.token, since);
      const newCookie = changed.cookies.find((c) => c.includes("session_token="))?.split(";", 1)[0] ?? "";
      await expectAcceptedNow(s(), await s().token(newCookie, user.ip));
    },
    { concurrent: true },
  );

  attack(
    "delete the account, then keep reading and writing with its unexpired JWT",
    "refused within the bound with 401 invalid_token; never a 500, not even for a write in the window",
    async () => {
      const user = await s().signUp();
      await expectAcceptedNow(s(), user.token);
      const deleted = await s().web("/api/auth/delete-user", {
        method: "POST",
        cookie: user.cookie,
        ip: user.ip,
        json: { password: user.password },
      });
      expect(deleted.status).toBe(200);
      const since = Date.now();
      // A write while the API may still hold a positive answer for the session: the task's owner
      // is gone, which must read as an ended session, not a server fault.
      expectInvalidToken(
        await s().api("/api/tasks", { token: user.token, json: { title: "after deletion" } }),
      );
      report("account deletion", await refusedWithinBound(s(), user.token, since));
      expectInvalidToken(await s().api("/api/tasks", { token: user.token }));
    },
    { concurrent: true },
  );

  attack(
    "an insider expires the session in the database",
    "its JWT refused within the bound",
    async () => {
      const user = await s().signUp();
      await expectAcceptedNow(s(), user.token);
      await s()
        .db.db.updateTable("session")
        .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
        .where("id", "=", user.sessionId)
        .execute();
      report("session expiry", await refusedWithinBound(s(), user.token, Date.now()));
    },
    { concurrent: true },
  );
});
