import { createTestDatabase, describePostgres, type TestDatabase } from "@tandem/testing";
import pg from "pg";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createPostgresQuotaStore } from "./quota-postgres.ts";
import { QUOTA_TABLE } from "./quota.ts";

// Only Date is faked, so pools, sockets and the batching's setImmediate keep working.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describePostgres("createPostgresQuotaStore", () => {
  // A database of its own per test, so the quota table starts empty.
  let database: TestDatabase;
  let pools: pg.Pool[];
  beforeEach(async () => {
    database = await createTestDatabase("postgres");
    pools = [];
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => (p.ended ? undefined : p.end())));
    await database.cleanup();
  });
  const pool = () => {
    const p = new pg.Pool({ connectionString: database.url, max: 2 });
    // As the API's pool does (quota-store.ts): a connection still closing when the test's database
    // is dropped WITH (FORCE) is terminated, and an unheard "error" event would crash the worker.
    p.on("error", () => undefined);
    p.on("connect", (client) => client.on("error", () => undefined));
    pools.push(p);
    return p;
  };

  it("is one budget for stores on two pools, created concurrently", async () => {
    const options = { requests: 5, windowSeconds: 30 };
    const [one, two] = await Promise.all([
      createPostgresQuotaStore({ ...options, pool: pool() }),
      createPostgresQuotaStore({ ...options, pool: pool() }),
    ]);
    const decisions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? one : two).consume("alice")),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.map((d) => d.remaining).sort()).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
    const rows = await pools[0]?.query(`SELECT key, points FROM ${QUOTA_TABLE}`);
    expect(rows?.rows).toEqual([{ key: "api:alice", points: 8 }]);
  });

  it("keeps the counts in an unlogged table, and converts a logged one an earlier version made", async () => {
    const persistence = async (p: pg.Pool) =>
      (await p.query(`SELECT relpersistence FROM pg_class WHERE oid = to_regclass('${QUOTA_TABLE}')`)).rows;
    const first = pool();
    await createPostgresQuotaStore({ requests: 5, windowSeconds: 30, pool: first });
    expect(await persistence(first)).toEqual([{ relpersistence: "u" }]);

    await first.query(`ALTER TABLE ${QUOTA_TABLE} SET LOGGED`);
    await first.query(`INSERT INTO ${QUOTA_TABLE} (key, points, expire) VALUES ('api:alice', 4, $1)`, [
      Date.now() + 30_000,
    ]);
    const store = await createPostgresQuotaStore({ requests: 5, windowSeconds: 30, pool: pool() });
    expect(await persistence(first)).toEqual([{ relpersistence: "u" }]);
    // The conversion keeps the rows: alice's window goes on where it was.
    expect(await store.consume("alice")).toMatchObject({ allowed: true, remaining: 0 });
    expect(await store.consume("alice")).toMatchObject({ allowed: false });
  });

  it("fails open to a per-instance quota when PostgreSQL does not answer", async () => {
    const p = pool();
    const store = await createPostgresQuotaStore({ requests: 2, windowSeconds: 30, pool: p });
    await p.end(); // every query now fails
    const seen = [await store.consume("a"), await store.consume("a"), await store.consume("a")];
    expect(seen.map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it("fails closed when asked to", async () => {
    const p = pool();
    const store = await createPostgresQuotaStore({
      requests: 2,
      windowSeconds: 30,
      pool: p,
      onStoreError: "closed",
    });
    await p.end();
    await expect(store.consume("a")).rejects.toThrow();
  });
  it("counts concurrent checks in batches, each decided as if counted alone in arrival order", async () => {
    const p = pool();
    const statements = vi.spyOn(p, "query");
    const options = { requests: 30, windowSeconds: 30 };
    const [one, two] = await Promise.all([
      createPostgresQuotaStore({ ...options, pool: p }),
      createPostgresQuotaStore({ ...options, pool: pool() }),
    ]);
    statements.mockClear();
    const users = ["alice", "bob", "carol"];
    const decisions = await Promise.all(
      Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? one : two).consume(users[i % 3] ?? "")),
    );
    for (const user of users) {
      const mine = decisions.filter((_, i) => users[i % 3] === user);
      expect(mine.filter((d) => d.allowed)).toHaveLength(30);
      expect(
        mine
          .filter((d) => d.allowed)
          .map((d) => d.remaining)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(mine.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds >= 1)).toBe(true);
    }
    // 60 checks on one store went out in far fewer statements (two connections, one turn).
    expect(statements.mock.calls.length).toBeGreaterThan(0);
    expect(statements.mock.calls.length).toBeLessThan(10);
    const rows = await p.query<{ key: string; points: number }>(
      `SELECT key, points FROM ${QUOTA_TABLE} ORDER BY key`,
    );
    expect(rows.rows).toEqual(users.map((u) => ({ key: `api:${u}`, points: 40 })));
  });

  it("starts a window again once it has ended", async () => {
    const store = await createPostgresQuotaStore({ requests: 2, windowSeconds: 30, pool: pool() });
    const first = await Promise.all([store.consume("a"), store.consume("a"), store.consume("a")]);
    expect(first.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(first[2]?.retryAfterSeconds).toBe(30);
    vi.setSystemTime(1_700_000_030_000);
    const again = await Promise.all([store.consume("a"), store.consume("a"), store.consume("a")]);
    expect(again.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(again.map((d) => d.remaining)).toEqual([1, 0, 0]);
  });
});
