// Password re-entry by a signed-in user (verify password, change password, delete account) is
// limited per user in the database, so a stolen session cannot guess the password at full speed
// — the web app calls /verify-password server-side, where Better Auth's HTTP limiter never looks.
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSecurityEvents } from "./events.ts";
import { post, shape, signIn } from "@tandem/testing/auth-requests";

const WRONG = { status: 400, code: "INVALID_PASSWORD", message: "Invalid password" };
const LOCKED = {
  status: 429,
  code: "TOO_MANY_PASSWORD_ATTEMPTS",
  message: "Too many wrong passwords. Try again in 15 minutes.",
};

describe.each(testDialects())("password re-entry lockout (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    // The HTTP limiter is off so that only the lockout answers (3 failures trigger it here).
    auth = await startAuthServer({ database, rateLimit: false, lockout: { maxFailures: 3 } });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  const verify = (user: TestUser, password: string) =>
    post(auth, "/verify-password", { password }, { cookie: user.cookie });

  it("refuses even the right password after 3 wrong ones, on every re-entry route", async () => {
    const alice = await auth.signUp();
    for (let i = 0; i < 3; i += 1) expect(shape(await verify(alice, "Wrong-password-1"))).toEqual(WRONG);

    const right = await verify(alice, alice.password);
    expect(shape(right)).toEqual(LOCKED);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(890);
    const change = await post(
      auth,
      "/change-password",
      { currentPassword: alice.password, newPassword: "Another-password-2" },
      { cookie: alice.cookie },
    );
    expect(shape(change)).toEqual(LOCKED);
    const remove = await post(auth, "/delete-user", { password: alice.password }, { cookie: alice.cookie });
    expect(shape(remove)).toEqual(LOCKED);

    const events = await listSecurityEvents(database.db, alice.id);
    expect(events.map((event) => event.type)).toContain("lockout");
  });

  it("counts wrong passwords across routes and forgets them after a right one", async () => {
    const alice = await auth.signUp();
    expect(shape(await verify(alice, "Wrong-password-1"))).toEqual(WRONG);
    const change = await post(
      auth,
      "/change-password",
      { currentPassword: "Wrong-password-1", newPassword: "Another-password-2" },
      { cookie: alice.cookie },
    );
    expect(shape(change)).toEqual(WRONG);
    expect((await verify(alice, alice.password)).status).toBe(200);
    // The right password cleared the count: two more wrong ones do not lock.
    expect(shape(await verify(alice, "Wrong-password-1"))).toEqual(WRONG);
    expect(shape(await verify(alice, "Wrong-password-1"))).toEqual(WRONG);
    expect((await verify(alice, alice.password)).status).toBe(200);
  });

  it("locks only that user's re-entries, not their sign-in or other users", async () => {
    const alice = await auth.signUp();
    const bob = await auth.signUp();
    for (let i = 0; i < 3; i += 1) await verify(alice, "Wrong-password-1");
    expect(shape(await verify(alice, alice.password))).toEqual(LOCKED);

    expect((await verify(bob, bob.password)).status).toBe(200);
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(200);
  });
});
