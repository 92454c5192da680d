import { describePostgres, seedAccessToken, testDialects } from "@tandem/testing";
import { sql } from "kysely";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { createAccessTokenUsage, LAST_USED_INTERVAL_MS, type UsedToken } from "./access-token-usage.ts";

// `last_used_at` and the first-use history entry of personal access tokens (decision 017): written
// in the background at most once a minute per token, the first use recorded exactly once across
// processes, and a failed write never reaching the request.

function capture() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: "info" }, { write: (line: string) => void lines.push(line) }) };
}

async function until(check: () => Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testDialects())("access token usage (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  async function tokenOf(name = "deploy script"): Promise<UsedToken & { token: string }> {
    const ada = await h.signUp("Ada");
    const { id, token } = await seedAccessToken(h.database, { userId: ada.id, name });
    return { id, token, userId: ada.id, tokenName: name, used: false };
  }
  const lastUsed = async (id: string) => {
    const row = await h.database.db
      .selectFrom("access_token")
      .select("last_used_at")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return row.last_used_at === null ? null : new Date(row.last_used_at).toISOString();
  };
  const firstUses = (userId: string) =>
    h.database.db
      .selectFrom("security_event")
      .select(["detail", "user_agent", "ip"])
      .where("user_id", "=", userId)
      .where("type", "=", "access_token_first_used")
      .execute();

  it("records the first use once (name as detail), then last_used_at at most once a minute", async () => {
    h = await createApiHarness(dialect);
    const token = await tokenOf("deploy script");
    let clock = Date.parse("2030-01-01T12:00:00.000Z");
    const usage = createAccessTokenUsage({ database: h.apiDatabase, now: () => clock });
    const { logger } = capture();
    usage.record(token, { userAgent: `curl/8 ${"x".repeat(600)}`, logger });
    await usage.settled();
    expect(await lastUsed(token.id)).toBe("2030-01-01T12:00:00.000Z");
    const [event, ...others] = await firstUses(token.userId);
    expect(others).toEqual([]);
    expect(event).toMatchObject({ detail: "deploy script", ip: null });
    expect(event?.user_agent?.length).toBe(512);

    clock += LAST_USED_INTERVAL_MS - 1;
    usage.record(token, { userAgent: null, logger });
    await usage.settled();
    expect(await lastUsed(token.id)).toBe("2030-01-01T12:00:00.000Z");
    clock += 1;
    usage.record(token, { userAgent: null, logger });
    await usage.settled();
    expect(await lastUsed(token.id)).toBe("2030-01-01T12:01:00.000Z");
    // The caller's row said "never used" all along (a cached answer): still one history entry.
    expect(await firstUses(token.userId)).toHaveLength(1);
  });

  it("two processes seeing the first use at once record it exactly once", async () => {
    h = await createApiHarness(dialect);
    const token = await tokenOf();
    const { logger } = capture();
    const processes = [1, 2, 3].map(() => createAccessTokenUsage({ database: h.apiDatabase }));
    for (const usage of processes) usage.record(token, { userAgent: null, logger });
    await Promise.all(processes.map((usage) => usage.settled()));
    expect(await firstUses(token.userId)).toHaveLength(1);
    expect(await lastUsed(token.id)).not.toBeNull();
  });

  it("a failed write is logged without the token and never thrown", async () => {
    h = await createApiHarness(dialect);
    const token = await tokenOf();
    const { lines, logger } = capture();
    const usage = createAccessTokenUsage({ database: h.apiDatabase });
    await h.apiDatabase.destroy();
    expect(() => usage.record(token, { userAgent: null, logger })).not.toThrow();
    await usage.settled();
    expect(lines.join("\n")).toContain("access token use not recorded");
    expect(lines.join("\n")).not.toContain(token.token);
  });

  it("through the app: a request with the token marks it used, and a write that fails later costs nothing", async () => {
    let clock = Date.now();
    h = await createApiHarness(dialect, { revocationCheckSeconds: 3600, now: () => clock });
    const token = await tokenOf();
    const response = await h.request("GET", "/api/tasks", {
      token: token.token,
      headers: { "user-agent": "tandem-cli/1.0" },
    });
    expect(response.status).toBe(200);
    await until(async () => (await firstUses(token.userId)).length === 1, "first use recorded");
    expect((await firstUses(token.userId))[0]?.user_agent).toBe("tandem-cli/1.0");
    expect(await lastUsed(token.id)).not.toBeNull();

    // A minute on, the token is served from the cache while its usage write fails.
    clock += LAST_USED_INTERVAL_MS;
    await h.apiDatabase.destroy();
    expect((await h.request("GET", "/api/me", { token: token.token })).status).toBe(200);
    await until(async () => h.logs.some((line) => line.includes("access token use not recorded")), "warning");
    expect(h.logs.join("\n")).not.toContain(token.token);
  });
});

describePostgres("access token usage beside an account deletion", () => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  it("a first use while the account is being deleted: no deadlock, the deletion goes through", async () => {
    h = await createApiHarness("postgres");
    const ada = await h.signUp("Ada");
    const { id } = await seedAccessToken(h.database, { userId: ada.id });
    const { lines, logger } = capture();
    const usage = createAccessTokenUsage({ database: h.apiDatabase });
    // The deletion holds the user's row, as Better Auth's delete-user does, while the first use is
    // written; then it cascades to the token. Locks taken in another order would deadlock here.
    await h.database.db.transaction().execute(async (trx) => {
      await trx.selectFrom("user").select("id").where("id", "=", ada.id).forUpdate().execute();
      usage.record({ id, userId: ada.id, tokenName: "t", used: false }, { userAgent: null, logger });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`delete from ${sql.table("user")} where id = ${ada.id}`.execute(trx);
    });
    await usage.settled();
    expect(lines.join("\n")).not.toMatch(/deadlock|not recorded/);
    const events = await h.database.db
      .selectFrom("security_event")
      .select("id")
      .where("user_id", "=", ada.id)
      .execute();
    expect(events).toEqual([]);
  });
});
