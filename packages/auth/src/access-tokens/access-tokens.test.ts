// Personal access tokens (decision 017) against a real Better Auth server and real databases:
// what creation answers and stores, the rules on names, scopes, expiry and the 50-token limit,
// the list, revocation of one's own tokens only, the history and the notice. That a token is no
// credential for Better Auth is access-tokens.credentials.test.ts; its use on the API is the
// contract and security suites'.
import { createHash } from "node:crypto";
import { type AccessTokenView, type CreatedAccessToken, generateAccessToken } from "@tandem/contracts";
import {
  type AuthServer,
  createTestDatabase,
  recordingMailer,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { type AuthAnswer, post } from "@tandem/testing/auth-requests";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSecurityEvents } from "../security/events.ts";

const DAY_MS = 86_400_000;

describe.each(testDialects())("access tokens (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;
  let outbox: ReturnType<typeof recordingMailer>;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    outbox = recordingMailer();
    auth = await startAuthServer({
      database,
      email: { mailer: outbox.mailer, log: { error: () => undefined } },
    });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  const as = (user: TestUser, path: string, body: object): Promise<AuthAnswer> =>
    post(auth, path, body, { cookie: user.cookie });
  const code = (answer: AuthAnswer) => (answer.body as { code?: string } | null)?.code;

  async function list(user: TestUser): Promise<AccessTokenView[]> {
    const response = await fetch(`${auth.baseURL}/api/auth/access-tokens/list`, {
      headers: { cookie: user.cookie },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as AccessTokenView[];
  }

  async function create(user: TestUser, body: object = {}): Promise<CreatedAccessToken> {
    const answer = await as(user, "/access-tokens/create", {
      name: "CI",
      scope: "read",
      expiresInDays: 30,
      ...body,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as CreatedAccessToken;
  }

  const rowsOf = (userId: string) =>
    database.db.selectFrom("access_token").selectAll().where("user_id", "=", userId).execute();

  it("answers the token once with its metadata, and stores only its hash and hint", async () => {
    const user = await auth.signUp();
    const before = Date.now();
    const answer = await as(user, "/access-tokens/create", {
      name: "  Deploy script  ",
      scope: "write",
      expiresInDays: 90,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toContain("no-store");
    const { secret, accessToken } = answer.body as CreatedAccessToken;
    expect(secret).toMatch(/^tandem_pat_[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(accessToken).sort()).toEqual(
      ["createdAt", "expiresAt", "hint", "id", "lastUsedAt", "name", "revokedAt", "scope"].sort(),
    );
    expect(accessToken).toMatchObject({
      name: "Deploy script",
      hint: secret.slice(0, 15),
      scope: "write",
      lastUsedAt: null,
      revokedAt: null,
    });
    const created = Date.parse(accessToken.createdAt);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(Date.parse(accessToken.expiresAt) - created).toBe(90 * DAY_MS);

    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.token_hash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(row?.token_hint).toBe(secret.slice(0, 15));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(15));
    // The answer is the only place the token appears: the list never holds it.
    expect(JSON.stringify(await list(user))).not.toContain(secret.slice(15));
  });

  it("takes an expiry as a date at most 365 days ahead, with any offset", async () => {
    const user = await auth.signUp();
    const at = new Date(Date.now() + 365 * DAY_MS - 60_000);
    const { accessToken } = await create(user, { expiresInDays: undefined, expiresAt: at.toISOString() });
    expect(accessToken.expiresAt).toBe(at.toISOString());
    // The same instant written in another offset: stored and answered in UTC.
    const local = new Date(Date.now() + 10 * DAY_MS);
    local.setUTCMilliseconds(0);
    const plus2 = new Date(local.getTime() + 2 * 3_600_000).toISOString().replace(".000Z", "+02:00");
    const second = await create(user, { expiresInDays: undefined, expiresAt: plus2 });
    expect(second.accessToken.expiresAt).toBe(local.toISOString());
  });

  it("refuses bad names, scopes and expiries with 400 and a code, creating nothing", async () => {
    const user = await auth.signUp();
    const valid = { name: "CI", scope: "read", expiresInDays: 7 };
    const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
    const cases: [object, string][] = [
      [{ ...valid, name: "   " }, "INVALID_ACCESS_TOKEN_NAME"],
      [{ ...valid, name: "x".repeat(61) }, "INVALID_ACCESS_TOKEN_NAME"],
      [{ ...valid, name: "CI\r\nBcc: x@example.test" }, "INVALID_ACCESS_TOKEN_NAME"],
      [{ ...valid, name: 42 }, "INVALID_ACCESS_TOKEN_NAME"],
      [{ scope: "read", expiresInDays: 7 }, "INVALID_ACCESS_TOKEN_NAME"],
      [{ ...valid, scope: "admin" }, "INVALID_ACCESS_TOKEN_SCOPE"],
      [{ ...valid, scope: undefined }, "INVALID_ACCESS_TOKEN_SCOPE"],
      [{ ...valid, expiresInDays: undefined }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: 0 }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: 366 }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: 1.5 }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: "30" }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: 7, expiresAt: soon(DAY_MS) }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [{ ...valid, expiresInDays: undefined, expiresAt: soon(-1000) }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [
        { ...valid, expiresInDays: undefined, expiresAt: soon(365 * DAY_MS + 60_000) },
        "INVALID_ACCESS_TOKEN_EXPIRY",
      ],
      [{ ...valid, expiresInDays: undefined, expiresAt: "next week" }, "INVALID_ACCESS_TOKEN_EXPIRY"],
      [
        { ...valid, expiresInDays: undefined, expiresAt: "2026-13-01T00:00:00Z" },
        "INVALID_ACCESS_TOKEN_EXPIRY",
      ],
    ];
    for (const [body, expected] of cases) {
      const answer = await as(user, "/access-tokens/create", body);
      expect([answer.status, code(answer)], JSON.stringify(body)).toEqual([400, expected]);
      expect(typeof (answer.body as { message?: unknown }).message).toBe("string");
    }
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("holds at most 50 active tokens per user; revoked and expired ones do not count", async () => {
    const user = await auth.signUp();
    const other = await auth.signUp();
    await create(other);
    const now = Date.now();
    // 45 active, plus ended ones that must not count, written directly for speed.
    const row = (i: number, ended: "expired" | "revoked" | null) => ({
      id: `seed-${i}`,
      user_id: user.id,
      name: `Seed ${i}`,
      token_hash: createHash("sha256").update(generateAccessToken()).digest("hex"),
      token_hint: "tandem_pat_seed",
      scope: "read" as const,
      created_at: new Date(now - 2 * DAY_MS).toISOString(),
      expires_at: new Date(ended === "expired" ? now - DAY_MS : now + DAY_MS).toISOString(),
      last_used_at: null,
      revoked_at: ended === "revoked" ? new Date(now - DAY_MS).toISOString() : null,
    });
    await database.db
      .insertInto("access_token")
      .values([
        ...Array.from({ length: 45 }, (_, i) => row(i, null)),
        ...Array.from({ length: 5 }, (_, i) => row(100 + i, "expired")),
        ...Array.from({ length: 5 }, (_, i) => row(200 + i, "revoked")),
      ])
      .execute();
    // Ten at once: the limit holds under concurrency too.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        as(user, "/access-tokens/create", { name: `Burst ${i}`, scope: "read", expiresInDays: 1 }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect([refused.status, code(refused)]).toEqual([400, "TOO_MANY_ACCESS_TOKENS"]);
    }
    const active = (await rowsOf(user.id)).filter(
      (r) => r.revoked_at === null && new Date(r.expires_at).getTime() > now,
    );
    expect(active).toHaveLength(50);
    expect(await as(user, "/access-tokens/revoke", { id: "seed-0" })).toMatchObject({ status: 200 });
    await create(user, { name: "After revoking one" });
  });

  it("lists the caller's tokens newest first, metadata only, ended ones marked", async () => {
    const user = await auth.signUp();
    const other = await auth.signUp();
    const first = await create(user, { name: "First" });
    const second = await create(user, { name: "Second", scope: "write" });
    await create(other, { name: "Not yours" });
    await as(user, "/access-tokens/revoke", { id: first.accessToken.id });
    const tokens = await list(user);
    expect(tokens.map((t) => t.name)).toEqual(["Second", "First"]);
    expect(tokens[0]).toEqual(second.accessToken);
    expect(tokens[1]?.revokedAt).not.toBeNull();
    for (const token of tokens) expect(Object.keys(token)).not.toContain("tokenHash");
    expect(JSON.stringify(tokens)).not.toMatch(/[0-9a-f]{64}/);
  });

  it("lists tokens ended in the last 30 days, not older ones", async () => {
    const user = await auth.signUp();
    const recent = await create(user, { name: "Recent" });
    const old = await create(user, { name: "Old" });
    const longAgo = new Date(Date.now() - 31 * DAY_MS).toISOString();
    await database.db
      .updateTable("access_token")
      .set({ expires_at: new Date(Date.now() - DAY_MS).toISOString() })
      .where("id", "=", recent.accessToken.id)
      .execute();
    await database.db
      .updateTable("access_token")
      .set({ expires_at: longAgo, created_at: longAgo })
      .where("id", "=", old.accessToken.id)
      .execute();
    expect((await list(user)).map((t) => t.name)).toEqual(["Recent"]);
  });

  it("revokes the caller's own token once; another user's is as unknown as a made-up one", async () => {
    const owner = await auth.signUp();
    const stranger = await auth.signUp();
    const { accessToken } = await create(owner, { name: "Laptop script" });

    const theirs = await as(stranger, "/access-tokens/revoke", { id: accessToken.id });
    const madeUp = await as(stranger, "/access-tokens/revoke", { id: crypto.randomUUID() });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(madeUp.body);
    expect(code(theirs)).toBe("ACCESS_TOKEN_NOT_FOUND");
    expect(code(await as(stranger, "/access-tokens/revoke", {}))).toBe("ACCESS_TOKEN_NOT_FOUND");
    expect((await rowsOf(owner.id))[0]?.revoked_at).toBeNull();

    const revoked = await as(owner, "/access-tokens/revoke", { id: accessToken.id });
    expect(revoked.status).toBe(200);
    const view = revoked.body as AccessTokenView;
    expect(view.id).toBe(accessToken.id);
    expect(view.revokedAt).not.toBeNull();
    const again = await as(owner, "/access-tokens/revoke", { id: accessToken.id });
    expect(again.status).toBe(200);
    expect((again.body as AccessTokenView).revokedAt).toBe(view.revokedAt);

    const history = await listSecurityEvents(database.db, owner.id);
    expect(history.filter((e) => e.type === "access_token_revoked").map((e) => e.detail)).toEqual([
      "Laptop script",
    ]);
    expect((await listSecurityEvents(database.db, stranger.id)).map((e) => e.type)).not.toContain(
      "access_token_revoked",
    );
  });

  it("records creation and revocation in the history and sends notices, never with the token", async () => {
    const user = await auth.signUp();
    const { secret, accessToken } = await create(user, { name: "Backup job" });
    await as(user, "/access-tokens/revoke", { id: accessToken.id });
    const history = await listSecurityEvents(database.db, user.id);
    expect(history.slice(0, 2).map((e) => [e.type, e.detail])).toEqual([
      ["access_token_revoked", "Backup job"],
      ["access_token_created", "Backup job"],
    ]);
    await expect
      .poll(() => outbox.sent.filter((m) => m.to === user.email && m.text.includes("Backup job")).length)
      .toBe(2);
    const notices = outbox.sent.filter((m) => m.text.includes("Backup job"));
    expect(notices.map((m) => m.text).join("\n")).toContain("An access token was created");
    expect(notices.map((m) => m.text).join("\n")).toContain("An access token was revoked");
    expect(JSON.stringify(outbox.sent)).not.toContain(secret.slice(15));
    expect(JSON.stringify(history)).not.toContain(secret.slice(15));
  });

  it("needs a sign-in under 10 minutes old to create, not to list or revoke", async () => {
    const user = await auth.signUp();
    const { accessToken } = await create(user);
    await database.db
      .updateTable("session")
      .set({ createdAt: new Date(Date.now() - 11 * 60_000).toISOString() })
      .where("id", "=", user.sessionId)
      .execute();
    const refused = await as(user, "/access-tokens/create", {
      name: "Late",
      scope: "read",
      expiresInDays: 7,
    });
    expect([refused.status, code(refused)]).toEqual([403, "FRESH_SIGN_IN_REQUIRED"]);
    expect(await list(user)).toHaveLength(1);
    expect((await as(user, "/access-tokens/revoke", { id: accessToken.id })).status).toBe(200);
  });

  it("lets one client create at most 10 tokens a minute", async () => {
    const limited = await startAuthServer({ database, rateLimit: true });
    try {
      const user = await limited.signUp();
      const statuses: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        const answer = await post(
          limited,
          "/access-tokens/create",
          { name: `Token ${i}`, scope: "read", expiresInDays: 1 },
          { cookie: user.cookie },
        );
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    } finally {
      await limited.close();
    }
  });

  it("goes with the account: deleting the user deletes its tokens", async () => {
    const user = await auth.signUp();
    await create(user);
    expect((await as(user, "/delete-user", { password: user.password })).status).toBe(200);
    expect(await rowsOf(user.id)).toEqual([]);
  });
});
