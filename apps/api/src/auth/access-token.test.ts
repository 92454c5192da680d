import { accessTokenHash } from "@tandem/contracts";
import { seedAccessToken, testDialects } from "@tandem/testing";
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { expectInvalidToken } from "../../test/auth-kit.ts";
import { MALFORMED_TOKEN, REFUSED_ACCESS_TOKEN } from "./access-token.ts";

// Personal access tokens in the API (decision 017), in process on an injected clock: the lookup,
// the cache bound on revocation, exact expiry, the owner, failing closed, and the read scope. What
// a client observes over HTTP on both backends is in tests/contract/access-tokens*.test.ts.

const detailOf = async (response: Response) =>
  ((await response.clone().json()) as { detail?: string }).detail;

it("stores tokens by the SHA-256 (hex) of the whole token, as node:crypto computes it", async () => {
  const token = `tandem_pat_${"A".repeat(43)}`;
  expect(await accessTokenHash(token)).toBe(createHash("sha256").update(token).digest("hex"));
});

describe.each(testDialects())("personal access tokens (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  it("a write token works on the task routes as its owner, and /api/me says how it authenticated", async () => {
    h = await createApiHarness(dialect);
    const ada = await h.signUp("Ada");
    const { token } = await seedAccessToken(h.database, { userId: ada.id, scope: "write" });
    const me = await h.request("GET", "/api/me", { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: ada.id,
      name: "Ada",
      via: "access_token",
      scope: "write",
      amr: [],
      authTime: null,
    });
    const created = await h.request("POST", "/api/tasks", { token, body: { title: "from a script" } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // The owner's own session sees it: the token acts as the owner, not as someone apart.
    const list = await h.request("GET", "/api/tasks", { token: ada.token });
    expect(JSON.stringify(await list.json())).toContain(id);
    expect((await h.request("DELETE", `/api/tasks/${id}`, { token })).status).toBe(204);
  });

  it("a read token reads, and every write method is 403 INSUFFICIENT_SCOPE with its challenge", async () => {
    h = await createApiHarness(dialect);
    const ada = await h.signUp("Ada");
    const { token } = await seedAccessToken(h.database, { userId: ada.id, scope: "read" });
    expect((await h.request("GET", "/api/tasks", { token })).status).toBe(200);
    expect((await h.request("HEAD", "/api/tasks", { token })).status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"]) {
      const response = await h.request(method, "/api/tasks", { token, body: { title: "x" } });
      expect(response.status, method).toBe(403);
      expect(response.headers.get("www-authenticate"), method).toContain('error="insufficient_scope"');
      expect(await response.json()).toMatchObject({ code: "INSUFFICIENT_SCOPE", status: 403 });
    }
    expect(await h.database.db.selectFrom("task").select("id").execute()).toEqual([]);
  });

  it("a revoked token is refused once the bound has passed, not before", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 5, now: () => clock });
    const ada = await h.signUp();
    const { id, token } = await seedAccessToken(h.database, { userId: ada.id });
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
    await h.database.db
      .updateTable("access_token")
      .set({ revoked_at: new Date().toISOString() })
      .where("id", "=", id)
      .execute();
    clock += 3_000; // inside the bound (and before the refresh ahead): the cached answer stands
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
    clock += 2_000;
    const refused = await h.request("GET", "/api/me", { token });
    expect(await detailOf(refused)).toBe(REFUSED_ACCESS_TOKEN);
    await expectInvalidToken(refused);
  });

  it("expiry is exact: a cached token is refused the moment it expires", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 3600, now: () => clock });
    const ada = await h.signUp();
    const { token } = await seedAccessToken(h.database, {
      userId: ada.id,
      expiresAt: new Date(clock + 10_000),
    });
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
    clock += 9_999;
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
    clock += 1;
    await expectInvalidToken(await h.request("GET", "/api/me", { token }));
  });

  it("an unknown token is remembered as unknown within the bound too", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 5, now: () => clock });
    const ada = await h.signUp();
    const { id, token } = await seedAccessToken(h.database, { userId: ada.id, revokedAt: new Date() });
    await expectInvalidToken(await h.request("GET", "/api/me", { token }));
    await h.database.db.updateTable("access_token").set({ revoked_at: null }).where("id", "=", id).execute();
    clock += 3_000;
    await expectInvalidToken(await h.request("GET", "/api/me", { token }));
    clock += 2_000;
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
  });

  it("a deleted owner's token is refused (the rows go with the user)", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const ada = await h.signUp();
    const { token } = await seedAccessToken(h.database, { userId: ada.id });
    expect((await h.request("GET", "/api/me", { token })).status).toBe(200);
    await h.database.db.deleteFrom("user").where("id", "=", ada.id).execute();
    await expectInvalidToken(await h.request("GET", "/api/tasks", { token }));
  });

  it("a row with a scope Tandem does not know grants nothing", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    const ada = await h.signUp();
    const { id, token } = await seedAccessToken(h.database, { userId: ada.id });
    // Past the CHECK constraint, as a hand edit or a newer schema might write it.
    const { db } = h.database;
    if (dialect === "postgres") {
      await sql`alter table access_token drop constraint access_token_scope_check`.execute(db);
      await sql`update access_token set scope = 'admin' where id = ${id}`.execute(db);
    } else {
      await db.connection().execute(async (connection) => {
        await sql`pragma ignore_check_constraints = on`.execute(connection);
        await sql`update access_token set scope = 'admin' where id = ${id}`.execute(connection);
        await sql`pragma ignore_check_constraints = off`.execute(connection);
      });
    }
    const row = await db
      .selectFrom("access_token")
      .select("scope")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.scope).toBe("admin");
    await expectInvalidToken(await h.request("GET", "/api/me", { token }));
  });

  it("a malformed tandem_pat_ value is refused as malformed without a lookup; a well-formed one fails closed (503)", async () => {
    h = await createApiHarness(dialect, { revocationCheckSeconds: 0 });
    await h.apiDatabase.destroy();
    for (const token of [
      "tandem_pat_",
      `tandem_pat_${"a".repeat(42)}`,
      `tandem_pat_${"a".repeat(44)}`,
      `tandem_pat_${"a".repeat(42)}=`,
    ]) {
      const response = await h.request("GET", "/api/me", { token });
      expect(await detailOf(response)).toBe(MALFORMED_TOKEN);
      await expectInvalidToken(response);
    }
    const response = await h.request("GET", "/api/me", { token: `tandem_pat_${"a".repeat(43)}` });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await response.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});
