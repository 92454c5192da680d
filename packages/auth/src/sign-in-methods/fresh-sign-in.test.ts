// The step-up rule and the sign-in method claims (decision 017) against a real Better Auth server
// and real databases: what counts is when the session was signed in, not when it was refreshed,
// and signing in again in the same browser replaces the stale session.
import {
  type AuthServer,
  createTestDatabase,
  SESSION_COOKIE,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { type AuthAnswer, post } from "@tandem/testing/auth-requests";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatAmr, parseAmr } from "./amr.ts";
import { FRESH_SIGN_IN_SECONDS } from "./fresh-sign-in.ts";

function claims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("amr values", () => {
  it("are stored in a fixed order and read back without unknown words", () => {
    expect(formatAmr(["mfa", "otp", "pwd"])).toBe("pwd otp mfa");
    expect(parseAmr("pwd otp mfa")).toEqual(["pwd", "otp", "mfa"]);
    expect(parseAmr("pwd admin  sms")).toEqual(["pwd"]);
    expect(parseAmr(null)).toEqual([]);
    expect(parseAmr(42)).toEqual([]);
  });
});

describe.each(testDialects())("fresh sign-in (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    auth = await startAuthServer({ database });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  const as = (user: TestUser, path: string, body: object): Promise<AuthAnswer> =>
    post(auth, path, body, { cookie: user.cookie });
  const code = (answer: AuthAnswer) => (answer.body as { code?: string } | null)?.code;

  /** Dates the session's sign-in `seconds` ago; its last refresh stays now. */
  async function ageSession(user: TestUser, seconds: number): Promise<void> {
    await database.db
      .updateTable("session")
      .set({ createdAt: new Date(Date.now() - seconds * 1000).toISOString() })
      .where("id", "=", user.sessionId)
      .execute();
  }

  async function sessionCount(userId: string): Promise<number> {
    const rows = await database.db.selectFrom("session").select("id").where("userId", "=", userId).execute();
    return rows.length;
  }

  it("puts how and when the user signed in into the API token", async () => {
    const before = Math.floor(Date.now() / 1000);
    const user = await auth.signUp();
    const payload = claims(user.token);
    expect(payload.amr).toEqual(["pwd"]);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(payload.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(Object.keys(payload).sort()).toEqual([
      "amr",
      "aud",
      "auth_time",
      "exp",
      "iat",
      "iss",
      "name",
      "sid",
      "sub",
    ]);
  });

  it("allows a sensitive change within 10 minutes of signing in", async () => {
    const user = await auth.signUp();
    await ageSession(user, FRESH_SIGN_IN_SECONDS - 30);
    const changed = await as(user, "/change-password", {
      currentPassword: user.password,
      newPassword: "another-pass-1",
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  });

  it("refuses sensitive changes on an older sign-in, however recently the session was used", async () => {
    const user = await auth.signUp();
    await ageSession(user, FRESH_SIGN_IN_SECONDS + 5);
    const password = await as(user, "/change-password", {
      currentPassword: user.password,
      newPassword: "another-pass-1",
    });
    expect(password.status).toBe(403);
    expect(code(password)).toBe("FRESH_SIGN_IN_REQUIRED");
    const deletion = await as(user, "/delete-user", { password: user.password });
    expect(deletion.status).toBe(403);
    expect(code(deletion)).toBe("FRESH_SIGN_IN_REQUIRED");
    const email = await as(user, "/change-email", { newEmail: `new-${user.email}` });
    expect(code(email)).toBe("FRESH_SIGN_IN_REQUIRED");
    // Nothing changed: the old password still signs in, the account and its email are there.
    const again = await auth.signIn(user.email, user.password);
    expect(again.id).toBe(user.id);
  });

  it("treats a signed-in request from elsewhere as unauthenticated, not as stale", async () => {
    const answer = await post(auth, "/change-password", {
      currentPassword: "x".repeat(8),
      newPassword: "y".repeat(8),
    });
    expect(answer.status).toBe(401);
  });

  it("replaces the stale session when the same user signs in again in that browser", async () => {
    const user = await auth.signUp();
    await ageSession(user, FRESH_SIGN_IN_SECONDS + 5);
    const renewed = await post(
      auth,
      "/sign-in/email",
      { email: user.email, password: user.password },
      { cookie: user.cookie },
    );
    expect(renewed.status).toBe(200);
    expect(await sessionCount(user.id)).toBe(1);
    const oldSession = await fetch(`${auth.baseURL}/api/auth/get-session`, {
      headers: { cookie: user.cookie },
    });
    expect(await oldSession.json()).toBeNull();
    const cookie = renewed.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.split(";")[0];
    expect(cookie).toBeDefined();
    const changed = await post(
      auth,
      "/change-password",
      { currentPassword: user.password, newPassword: "another-pass-1" },
      { cookie: cookie ?? "" },
    );
    expect(changed.status).toBe(200);
  });

  it("keeps another user's session when someone else signs in in that browser", async () => {
    const alice = await auth.signUp();
    const bob = await auth.signUp();
    const answer = await post(
      auth,
      "/sign-in/email",
      { email: bob.email, password: bob.password },
      { cookie: alice.cookie },
    );
    expect(answer.status).toBe(200);
    expect(await sessionCount(alice.id)).toBe(1);
  });

  it("keeps the session when a sign-in in that browser fails", async () => {
    const user = await auth.signUp();
    const answer = await post(
      auth,
      "/sign-in/email",
      { email: user.email, password: "wrong-password" },
      { cookie: user.cookie },
    );
    expect(answer.status).toBe(401);
    expect(await sessionCount(user.id)).toBe(1);
  });
});
