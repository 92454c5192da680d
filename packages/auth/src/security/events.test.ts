// The security history (issue 4): what is recorded, for whom, and how it is listed. Better Auth's
// rate limiter is OFF here on purpose (`rateLimit: false`): these tests sign in more often than
// its 3 attempts per 10 s allow; rate-limit.test.ts covers it.
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSecurityEvents, recordSecurityEvent } from "./events.ts";
import { post, signIn } from "@tandem/testing/auth-requests";

const UA = "Mozilla/5.0 (X11; Linux x86_64) TandemTest/1.0";
const from = (ip: string) => ({ "x-real-ip": ip, "user-agent": UA });

describe.each(testDialects())("security events (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    auth = await startAuthServer({
      database,
      rateLimit: false,
      trustedIpHeaders: ["x-real-ip"],
      lockout: { maxFailures: 2 },
    });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  // Every account starts with its `sign_up` event; the cases below look at what follows it.
  const types = async (user: TestUser) =>
    (await listSecurityEvents(database.db, user.id)).map((e) => e.type).filter((type) => type !== "sign_up");

  /** A signed-in session of `user` from `ip`: its cookie and raw token. */
  async function session(user: TestUser, ip: string) {
    const answer = await signIn(auth, user.email, user.password, from(ip));
    expect(answer.status).toBe(200);
    const cookie = answer.headers
      .getSetCookie()
      .map((c) => c.split(";", 1)[0] ?? "")
      .find((c) => c.startsWith("better-auth.session_token="));
    // The session token stays in the cookie; the session is named by its id.
    const current = await fetch(`${auth.baseURL}/api/auth/get-session`, {
      headers: { cookie: cookie ?? "" },
    });
    const { session: signedIn } = (await current.json()) as { session: { id: string } };
    return { cookie: cookie ?? "", sessionId: signedIn.id };
  }

  it("records sign-ins with the trusted address and user agent, newest first", async () => {
    const alice = await auth.signUp();
    await session(alice, "198.51.100.7");
    await signIn(auth, alice.email, "Wrong-password-1", from("203.0.113.9"));
    const all = await listSecurityEvents(database.db, alice.id);
    expect(all.at(-1)?.type).toBe("sign_up");
    const events = all.filter((e) => e.type !== "sign_up");
    expect(events.map(({ type, ip, userAgent }) => ({ type, ip, userAgent }))).toEqual([
      { type: "sign_in_failed", ip: "203.0.113.9", userAgent: UA },
      { type: "sign_in", ip: "198.51.100.7", userAgent: UA },
    ]);
    expect(events[0]?.createdAt).toBeInstanceOf(Date);
    expect(events[0]?.createdAt.getTime()).toBeGreaterThanOrEqual(events[1]?.createdAt.getTime() ?? 0);
  });

  it("records nothing for an unknown email, and the lockout for a known one", async () => {
    const alice = await auth.signUp();
    await signIn(auth, "nobody@example.test", "Wrong-password-1");
    await signIn(auth, "nobody@example.test", "Wrong-password-1");
    expect(
      await database.db.selectFrom("security_event").selectAll().where("type", "!=", "sign_up").execute(),
    ).toEqual([]);
    await signIn(auth, alice.email, "Wrong-password-1");
    await signIn(auth, alice.email, "Wrong-password-1");
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(429);
    expect(await types(alice)).toEqual(["lockout", "sign_in_failed", "sign_in_failed"]);
  });

  it("records password and email changes and session revocations", async () => {
    const alice = await auth.signUp();
    const second = await session(alice, "198.51.100.1");
    const headers = { cookie: alice.cookie, ...from("198.51.100.2") };
    const ok = async (path: string, body: object) =>
      expect((await post(auth, path, body, headers)).status).toBe(200);

    await ok("/revoke-session-by-id", { sessionId: second.sessionId });
    await session(alice, "198.51.100.1");
    await ok("/revoke-other-sessions", {});
    await ok("/change-email", { newEmail: "alice.new@example.test" });
    await ok("/change-password", { currentPassword: alice.password, newPassword: "New-password-123" });
    await ok("/revoke-sessions", {});
    // A refused change records nothing.
    expect((await post(auth, "/change-password", { currentPassword: "x", newPassword: "y" })).status).toBe(
      401,
    );

    const events = (await listSecurityEvents(database.db, alice.id)).filter((e) => e.type !== "sign_up");
    expect(events.map((e) => e.type)).toEqual([
      "sessions_revoked",
      "password_changed",
      "email_changed",
      "sessions_revoked",
      "sign_in",
      "session_revoked",
      "sign_in",
    ]);
    expect(events.slice(0, 4).every((e) => e.ip === "198.51.100.2" && e.userAgent === UA)).toBe(true);
  });

  it("lists at most 20 events by default, newest first, and only the user's own", async () => {
    const [alice, bob] = [await auth.signUp(), await auth.signUp()];
    await database.db.deleteFrom("security_event").execute();
    const start = Date.parse("2026-01-01T00:00:00.000Z");
    for (let i = 0; i < 25; i += 1) {
      await recordSecurityEvent(database.db, {
        userId: alice.id,
        type: "sign_in",
        ip: null,
        userAgent: null,
        at: new Date(start + i * 60_000),
      });
    }
    await recordSecurityEvent(database.db, { userId: bob.id, type: "lockout", ip: null, userAgent: null });
    const events = await listSecurityEvents(database.db, alice.id);
    expect(events).toHaveLength(20);
    expect(events.map((e) => e.createdAt.getTime())).toEqual(
      Array.from({ length: 20 }, (_, i) => start + (24 - i) * 60_000),
    );
    expect(events.every((e) => e.ip === null && e.userAgent === null)).toBe(true);
    expect(await listSecurityEvents(database.db, alice.id, 3)).toEqual(events.slice(0, 3));
  });

  it("deletes a user's events with the user", async () => {
    const [alice, bob] = [await auth.signUp(), await auth.signUp()];
    await session(alice, "198.51.100.1");
    await session(bob, "198.51.100.1");
    await database.db.deleteFrom("user").where("id", "=", alice.id).execute();
    expect(await listSecurityEvents(database.db, alice.id)).toEqual([]);
    expect(await types(bob)).toEqual(["sign_in"]);
  });
});
