import { testDialects } from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import {
  createSessionCheck,
  DEFAULT_REVOCATION_CHECK_SECONDS,
  REFRESH_AHEAD_FRACTION,
  SessionStoreUnavailableError,
} from "./session-check.ts";
import { SESSION_CREDENTIAL } from "./identity.ts";

/** The sign-in facts of an identity, which the session check does not look at. */
const SIGNED_IN = { amr: [], authTime: null, credential: SESSION_CREDENTIAL };

// Revocation that reaches the API: the token's session (sid) must still exist, belong to its
// subject and be unexpired. Answers are cached for at most `revocationCheckSeconds` (the bound).
// Here: the cache, on an injected clock, and a closed database handle. What a client observes
// (sign-out, revoked, expired and deleted sessions) is in tests/contract/auth.revocation.test.ts.

async function expectEnded(response: Response, label: string) {
  expect(response.status, label).toBe(401);
  expect(response.headers.get("www-authenticate"), label).toContain('error="invalid_token"');
  const body = (await response.json()) as { code: string; detail?: string };
  expect(body.code, label).toBe("INVALID_TOKEN");
  expect(JSON.stringify(body), label).not.toMatch(/FOREIGN|constraint|SQL/i);
}

describe.each(testDialects())("session revocation (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  it("refuses a signed-out session within the default bound (5 s) and not before it passes", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { now: () => clock });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    await h.auth.signOut(user.cookie);
    clock += DEFAULT_REVOCATION_CHECK_SECONDS * 1000 - 100;
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    clock += 100;
    await expectEnded(await h.request("GET", "/api/me", { token: user.token }), "after the default bound");
  });

  it("keeps answering from the cache inside the bound, and refuses once the bound has passed", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 5, now: () => clock });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    await h.auth.signOut(user.cookie);
    clock += 4_000; // inside the bound: the cached answer stands
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    clock += 1_001; // the bound has passed: the database is asked again
    await expectEnded(await h.request("GET", "/api/me", { token: user.token }), "after the bound");
  });

  it("fails closed with 503 and Retry-After when the session store cannot be read", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    // Only the API's connection is closed: the token itself is still good.
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    await h.apiDatabase.destroy();
    const response = await h.request("GET", "/api/me", { token: user.token });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await response.json()) as { code: string }).code).toBe("SERVICE_UNAVAILABLE");
  });
});

describe.each(testDialects())("session check cache (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  it("keeps at most maxEntries answers, dropping the oldest first", async () => {
    h = await createApiHarness(dialect);
    const [a, b] = [await h.signUp("A"), await h.signUp("B")];
    const identity = (u: typeof a) => ({
      userId: u.id,
      sessionId: u.sessionId,
      name: u.name,
      expiresAt: 0,
      ...SIGNED_IN,
    });
    const roomy = createSessionCheck({ database: h.apiDatabase, cacheSeconds: 3600, maxEntries: 10 });
    const tight = createSessionCheck({ database: h.apiDatabase, cacheSeconds: 3600, maxEntries: 1 });
    for (const check of [roomy, tight]) {
      expect(await check.isActive(identity(a))).toBe(true);
      expect(await check.isActive(identity(b))).toBe(true);
    }
    await h.database.db.deleteFrom("session").where("id", "=", a.sessionId).execute();
    expect(await roomy.isActive(identity(a))).toBe(true); // still cached
    expect(await tight.isActive(identity(a))).toBe(false); // evicted by B, so asked again
  });

  // A session in use is asked about again before its answer expires, so its requests do
  // not wait on the database when the answer would have expired. The bound is unchanged.
  it("refreshes a busy session's answer ahead of expiry, serving the cached one meanwhile", async () => {
    h = await createApiHarness(dialect);
    const user = await h.signUp();
    const identity = {
      userId: user.id,
      sessionId: user.sessionId,
      name: user.name,
      expiresAt: 0,
      ...SIGNED_IN,
    };
    let clock = Date.now();
    const check = createSessionCheck({ database: h.apiDatabase, cacheSeconds: 10, now: () => clock });
    expect(await check.isActive(identity)).toBe(true);
    await h.database.db.deleteFrom("session").where("id", "=", user.sessionId).execute();
    clock += 10_000 * REFRESH_AHEAD_FRACTION - 1; // not yet due: the cached answer, no query
    expect(await check.isActive(identity)).toBe(true);
    clock += 1; // due: still the cached answer (within the bound), and a query in the background
    expect(await check.isActive(identity)).toBe(true);
    // Within the first answer's bound, the refreshed one (session gone) takes over once it lands.
    const deadline = Date.now() + 5_000;
    let active = true;
    while (active && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      active = await check.isActive(identity);
    }
    expect(active).toBe(false);
  });

  it("after a failed refresh, fails closed once the bound has passed", async () => {
    h = await createApiHarness(dialect);
    const user = await h.signUp();
    const identity = {
      userId: user.id,
      sessionId: user.sessionId,
      name: user.name,
      expiresAt: 0,
      ...SIGNED_IN,
    };
    let clock = Date.now();
    const check = createSessionCheck({ database: h.apiDatabase, cacheSeconds: 10, now: () => clock });
    expect(await check.isActive(identity)).toBe(true);
    await h.apiDatabase.destroy();
    clock += 9_000; // the refresh is due and fails: the answer within the bound still stands
    expect(await check.isActive(identity)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 1_000; // the bound has passed
    await expect(check.isActive(identity)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });
});
