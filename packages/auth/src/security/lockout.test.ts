// Per-account lockout (issue 4): Better Auth has none. Better Auth's own rate limiter is turned
// OFF in these servers on purpose (`rateLimit: false`): its 3 sign-ins per 10 s per address would
// answer 429 long before the 10 failures a lockout needs. rate-limit.test.ts covers it.
import { randomBytes } from "node:crypto";
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LockoutConfig } from "./lockout.ts";
import { shape, signIn, sleep } from "@tandem/testing/auth-requests";

const LOCKED = {
  status: 429,
  code: "ACCOUNT_LOCKED",
  message: "Too many failed sign-ins. Try again in 15 minutes.",
};
const INVALID = { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" };

describe.each(testDialects())("account lockout (%s)", (dialect) => {
  let database: TestDatabase;
  const servers: AuthServer[] = [];

  async function server(lockout?: LockoutConfig): Promise<AuthServer> {
    const started = await startAuthServer({ database, rateLimit: false, ...(lockout ? { lockout } : {}) });
    servers.push(started);
    return started;
  }

  async function fail(auth: AuthServer, email: string, times: number): Promise<unknown[]> {
    const answers: unknown[] = [];
    for (let i = 0; i < times; i += 1) answers.push(shape(await signIn(auth, email, "Wrong-password-1")));
    return answers;
  }

  const unknownEmail = () => `nobody-${randomBytes(4).toString("hex")}@example.test`;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await database.cleanup();
  });

  it("answers an unknown email and a wrong password identically", async () => {
    const auth = await server();
    const alice = await auth.signUp();
    const wrongPassword = shape(await signIn(auth, alice.email, "Wrong-password-1"));
    const unknown = shape(await signIn(auth, unknownEmail(), "Wrong-password-1"));
    expect(wrongPassword).toEqual(INVALID);
    expect(unknown).toEqual(wrongPassword);
  });

  it("refuses the right password after 10 failures, for any spelling of the email", async () => {
    const auth = await server();
    const alice = await auth.signUp();
    expect(await fail(auth, alice.email, 10)).toEqual(Array(10).fill(INVALID));
    const locked = await signIn(auth, alice.email, alice.password);
    expect(shape(locked)).toEqual(LOCKED);
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(locked.headers.get("set-cookie")).toBeNull();
    expect(shape(await signIn(auth, ` ${alice.email.toUpperCase()} `, alice.password))).toEqual(LOCKED);
    // Another account is untouched.
    const bob = await auth.signUp();
    expect((await signIn(auth, bob.email, bob.password)).status).toBe(200);
  });

  it("answers a locked unknown email exactly as a locked account", async () => {
    const auth = await server();
    const alice = await auth.signUp();
    const nobody = unknownEmail();
    await fail(auth, alice.email, 10);
    expect(await fail(auth, nobody, 10)).toEqual(Array(10).fill(INVALID));
    const known = await signIn(auth, alice.email, alice.password);
    const unknown = await signIn(auth, nobody, "Wrong-password-1");
    expect(shape(unknown)).toEqual(shape(known));
    expect(shape(unknown)).toEqual(LOCKED);
    expect([...unknown.headers.keys()].sort()).toEqual([...known.headers.keys()].sort());
  });

  it("stores no email, only a keyed hash", async () => {
    const auth = await server();
    const nobody = unknownEmail();
    await fail(auth, nobody, 1);
    const rows = await database.db.selectFrom("sign_in_failure").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(nobody.split("@")[0]);
  });

  it("drops rows whose window and lock are over", async () => {
    const auth = await server({ maxFailures: 3, windowSeconds: 1 });
    await fail(auth, unknownEmail(), 1);
    await sleep(1100);
    await fail(auth, unknownEmail(), 1);
    expect(await database.db.selectFrom("sign_in_failure").selectAll().execute()).toHaveLength(1);
  });

  it("lifts the lock once lockSeconds have passed", async () => {
    const auth = await server({ maxFailures: 3, lockSeconds: 2 });
    const alice = await auth.signUp();
    await fail(auth, alice.email, 3);
    expect(shape(await signIn(auth, alice.email, alice.password))).toEqual({
      ...LOCKED,
      message: "Too many failed sign-ins. Try again in 2 seconds.",
    });
    await sleep(2100);
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(200);
  });

  it("forgets the failures after a successful sign-in", async () => {
    const auth = await server();
    const alice = await auth.signUp();
    await fail(auth, alice.email, 9);
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(200);
    expect(await fail(auth, alice.email, 9)).toEqual(Array(9).fill(INVALID));
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(200);
  });

  it("counts only failures within the window", async () => {
    const auth = await server({ maxFailures: 3, windowSeconds: 1 });
    const alice = await auth.signUp();
    await fail(auth, alice.email, 2);
    await sleep(1100);
    expect(await fail(auth, alice.email, 2)).toEqual([INVALID, INVALID]);
    expect((await signIn(auth, alice.email, alice.password)).status).toBe(200);
  });
});
