import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { expectInvalidToken } from "./support/problems.ts";
import { type Api, useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { mintReal, nowSeconds } from "./support/tokens.ts";

// Revocation that reaches the backend: a token's session (sid) must still exist, belong to its
// subject and be unexpired. AUTH_REVOCATION_CHECK_SECONDS bounds how late a backend may notice.

/** An ended session: 401 INVALID_TOKEN with its challenge, and no database error in the body. */
async function expectEnded(response: Response, label: string): Promise<void> {
  const text = await response.clone().text();
  expect(text, label).not.toMatch(/FOREIGN|constraint|SQL|IntegrityError/i);
  await expectInvalidToken(response);
}

const me = (h: Api, token: string) => h.request("GET", "/api/me", { token });

describe.each(targets())("session revocation ($label)", (target) => {
  describe("checked on every request (bound 0)", () => {
    const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "0" } });

    it("refuses the old token right after sign-out", async () => {
      const user = await h.signUp();
      expect((await me(h, user.token)).status).toBe(200);
      await h.auth.signOut(user.cookie);
      await expectEnded(await h.request("GET", "/api/tasks", { token: user.token }), "after sign-out");
    });

    it("refuses tokens of a session revoked in the database, and keeps other sessions working", async () => {
      const user = await h.signUp();
      const other = await h.auth.signIn(user.email, user.password);
      await h.database.db.deleteFrom("session").where("id", "=", user.sessionId).execute();
      await expectEnded(await me(h, user.token), "revoked session");
      expect((await me(h, other.token)).status).toBe(200);
    });

    it("refuses tokens of an expired session", async () => {
      const user = await h.signUp();
      const past = new Date(Date.now() - 60_000).toISOString();
      await h.database.db
        .updateTable("session")
        .set({ expiresAt: past })
        .where("id", "=", user.sessionId)
        .execute();
      await expectEnded(await me(h, user.token), "expired session");
    });

    it("refuses a real-key token without sid, or whose sid belongs to another user", async () => {
      const alice = await h.signUp("Alice");
      const bob = await h.signUp("Bob");
      const now = nowSeconds();
      await expectEnded(await me(h, await mintReal(h, { sub: alice.id, iat: now })), "no sid");
      await expectEnded(
        await me(h, await mintReal(h, { sub: alice.id, sid: bob.sessionId, iat: now })),
        "Bob's sid under Alice's sub",
      );
    });

    it("refuses a deleted account's token on every route", async () => {
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
  });

  describe("bound 1 s", () => {
    const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "1" } });

    it("refuses a signed-out session once the bound has passed", async () => {
      const user = await h.signUp();
      expect((await me(h, user.token)).status).toBe(200);
      await h.auth.signOut(user.cookie);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await expectEnded(await me(h, user.token), "1 s after sign-out");
    });
  });

  describe("bound 1 h", () => {
    const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "3600" } });

    it("answers 401 (never 500 or a foreign-key error) for a deleted account, even from a warm cache", async () => {
      const user = await h.signUp();
      expect((await me(h, user.token)).status).toBe(200);
      // Deleting the user cascades to sessions and tasks; a backend may still hold a cached "active".
      await sql`delete from ${sql.table("user")} where id = ${user.id}`.execute(h.database.db);
      const created = await h.request("POST", "/api/tasks", { token: user.token, body: { title: "ghost" } });
      await expectEnded(created, "create after deletion");
      // Inside the bound a read may still be served (from the cache) — but never someone's data.
      const list = await h.request("GET", "/api/tasks", { token: user.token });
      if (list.status === 200) expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
      else await expectEnded(list, "list after deletion");
    });
  });
});
