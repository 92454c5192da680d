import { testDialects } from "@tandem/testing";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import {
  createSessionCheck,
  DEFAULT_REVOCATION_CHECK_SECONDS,
  REFRESH_AHEAD_FRACTION,
  SessionStoreUnavailableError,
} from "./session-check.ts";

// Revocation that reaches the API: the token's session (sid) must still exist, belong to its
// subject and be unexpired. Answers are cached for at most `revocationCheckSeconds` (the bound).

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

  it("refuses the old token right after sign-out when the bound is 0 (check every request)", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    await h.auth.signOut(user.cookie);
    await expectEnded(await h.request("GET", "/api/tasks", { token: user.token }), "after sign-out");
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

  it("refuses tokens of a session revoked in the database, and keeps other sessions working", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    const other = await h.auth.signIn(user.email, user.password);
    await h.database.db.deleteFrom("session").where("id", "=", user.sessionId).execute();
    await expectEnded(await h.request("GET", "/api/me", { token: user.token }), "revoked session");
    expect((await h.request("GET", "/api/me", { token: other.token })).status).toBe(200);
  });

  it("refuses tokens of an expired session", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    const past = new Date(Date.now() - 60_000).toISOString();
    await h.database.db
      .updateTable("session")
      .set({ expiresAt: past })
      .where("id", "=", user.sessionId)
      .execute();
    await expectEnded(await h.request("GET", "/api/me", { token: user.token }), "expired session");
  });

  it("refuses a real-key token without sid, or whose sid belongs to another user", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const alice = await h.signUp("Alice");
    const bob = await h.signUp("Bob");
    const mint = async (payload: Record<string, unknown>) =>
      (await h.auth.auth.api.signJWT({ body: { payload } })).token;
    const now = Math.floor(Date.now() / 1000);
    await expectEnded(
      await h.request("GET", "/api/me", { token: await mint({ sub: alice.id, iat: now }) }),
      "no sid",
    );
    await expectEnded(
      await h.request("GET", "/api/me", {
        token: await mint({ sub: alice.id, sid: bob.sessionId, iat: now }),
      }),
      "Bob's sid under Alice's sub",
    );
  });

  it("answers 401 (never 500 or a foreign-key error) for a deleted account, even from a warm cache", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 3600 });
    const user = await h.signUp();
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    // Deleting the user cascades to sessions and tasks; the API still holds a cached "active".
    await sql`delete from ${sql.table("user")} where id = ${user.id}`.execute(h.database.db);
    const created = await h.request("POST", "/api/tasks", { token: user.token, body: { title: "ghost" } });
    await expectEnded(created, "create after deletion");
    const list = await h.request("GET", "/api/tasks", { token: user.token });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("refuses a deleted account's token once the bound has passed", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    await sql`delete from ${sql.table("user")} where id = ${user.id}`.execute(h.database.db);
    for (const [method, path] of [
      ["GET", "/api/me"],
      ["GET", "/api/tasks"],
      ["POST", "/api/tasks"],
    ] as const) {
      const response = await h.request(method, path, {
        token: user.token,
        ...(method === "POST" ? { body: { title: "x" } } : {}),
      });
      await expectEnded(response, `${method} ${path}`);
    }
  });

  it("fails closed with 503 and Retry-After when the session store cannot be read", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const user = await h.signUp();
    // Warm the key cache first: the auth server shares this database and could not serve keys.
    expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
    await h.database.destroy();
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
    const identity = (u: typeof a) => ({ userId: u.id, sessionId: u.sessionId, name: u.name, expiresAt: 0 });
    const roomy = createSessionCheck({ database: h.database, cacheSeconds: 3600, maxEntries: 10 });
    const tight = createSessionCheck({ database: h.database, cacheSeconds: 3600, maxEntries: 1 });
    for (const check of [roomy, tight]) {
      expect(await check.isActive(identity(a))).toBe(true);
      expect(await check.isActive(identity(b))).toBe(true);
    }
    await h.database.db.deleteFrom("session").where("id", "=", a.sessionId).execute();
    expect(await roomy.isActive(identity(a))).toBe(true); // still cached
    expect(await tight.isActive(identity(a))).toBe(false); // evicted by B, so asked again
  });

  // Issue #6: a session in use is asked about again before its answer expires, so its requests do
  // not wait on the database when the answer would have expired. The bound is unchanged.
  it("refreshes a busy session's answer ahead of expiry, serving the cached one meanwhile", async () => {
    h = await createApiHarness(dialect);
    const user = await h.signUp();
    const identity = { userId: user.id, sessionId: user.sessionId, name: user.name, expiresAt: 0 };
    let clock = Date.now();
    const check = createSessionCheck({ database: h.database, cacheSeconds: 10, now: () => clock });
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
    const identity = { userId: user.id, sessionId: user.sessionId, name: user.name, expiresAt: 0 };
    let clock = Date.now();
    const check = createSessionCheck({ database: h.database, cacheSeconds: 10, now: () => clock });
    expect(await check.isActive(identity)).toBe(true);
    await h.database.destroy();
    clock += 9_000; // the refresh is due and fails: the answer within the bound still stands
    expect(await check.isActive(identity)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 1_000; // the bound has passed
    await expect(check.isActive(identity)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });
});
