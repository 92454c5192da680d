import { randomUUID } from "node:crypto";
import { describeRedis, testRedisUrl } from "@tandem/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { openQuotaStore, type OpenedQuotaStore, QuotaStoreConfigError } from "./quota-store.ts";
import { createRedisQuotaStore } from "./quota.ts";

const logger = pino({ level: "silent" });
const base = {
  API_QUOTA_REQUESTS: 5,
  API_QUOTA_WINDOW_SECONDS: 60,
  API_QUOTA_STORE: undefined,
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
};

describe("openQuotaStore", () => {
  it("counts in memory (no store of its own) on SQLite or when asked to", async () => {
    expect((await openQuotaStore(base, "sqlite", logger)).store).toBeUndefined();
    const memory = { ...base, API_QUOTA_STORE: "memory" as const, DATABASE_URL: "postgres://x/y" };
    expect((await openQuotaStore(memory, "postgres", logger)).store).toBeUndefined();
  });

  it("opens nothing when the quota is off", async () => {
    const off = { ...base, API_QUOTA_REQUESTS: 0, API_QUOTA_STORE: "redis" as const, REDIS_URL: "redis://x" };
    expect((await openQuotaStore(off, "sqlite", logger)).store).toBeUndefined();
  });

  it("refuses a shared store the configuration cannot give", async () => {
    await expect(openQuotaStore({ ...base, API_QUOTA_STORE: "database" }, "sqlite", logger)).rejects.toThrow(
      QuotaStoreConfigError,
    );
    await expect(openQuotaStore({ ...base, API_QUOTA_STORE: "redis" }, "sqlite", logger)).rejects.toThrow(
      /REDIS_URL/,
    );
  });
});

describeRedis("the quota shared through Redis", () => {
  const opened: OpenedQuotaStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  const open = async (redisUrl = testRedisUrl()) => {
    const quota = await openQuotaStore({ ...base, REDIS_URL: redisUrl }, "sqlite", logger);
    opened.push(quota);
    if (quota.store === undefined) throw new Error("no Redis store");
    return quota.store;
  };

  it("is one budget for two instances' stores taking requests at once", async () => {
    const [one, two] = [await open(), await open()];
    const user = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? one : two).consume(user)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.map((d) => d.remaining).sort()).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(55);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // The key lives in Redis, expiring with the window.
    const redis = new Redis(testRedisUrl() ?? "");
    try {
      expect(Number(await redis.get(`api:${user}`))).toBe(8);
      expect(await redis.pttl(`api:${user}`)).toBeGreaterThan(55_000);
    } finally {
      redis.disconnect();
    }
  });

  it("keeps users apart", async () => {
    const store = await open();
    const [alice, bob] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 5; i++) await store.consume(alice);
    expect((await store.consume(alice)).allowed).toBe(false);
    expect(await store.consume(bob)).toMatchObject({ allowed: true, remaining: 4 });
  });

  it("fails open to a per-instance quota while Redis is unreachable", async () => {
    const store = await open("redis://127.0.0.1:1");
    const user = randomUUID();
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push((await store.consume(user)).allowed);
    expect(seen).toEqual([true, true, true, true, true, false]);
  });

  it("fails closed when asked to", async () => {
    const client = new Redis("redis://127.0.0.1:1", { enableOfflineQueue: false, lazyConnect: true });
    client.on("error", () => undefined);
    try {
      const store = createRedisQuotaStore({ client, requests: 2, windowSeconds: 30, onStoreError: "closed" });
      await expect(store.consume(randomUUID())).rejects.toBeDefined();
    } finally {
      client.disconnect();
    }
  });
});
