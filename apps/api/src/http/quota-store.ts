import { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import type { Env } from "../env.ts";
import { quotaStoreKind } from "../env.ts";
import { createPostgresQuotaStore } from "./quota-postgres.ts";
import { createRedisQuotaStore, type QuotaStore } from "./quota.ts";

/** The store the quota counts in, and how to let go of its connections at shutdown. */
export interface OpenedQuotaStore {
  /** Undefined: the in-memory store of `requestQuota` (one instance, or no quota at all). */
  store: QuotaStore | undefined;
  close(): Promise<void>;
}

/** A configuration that cannot work; main.ts prints it and exits. */
export class QuotaStoreConfigError extends Error {}

type QuotaEnv = Pick<
  Env,
  "API_QUOTA_REQUESTS" | "API_QUOTA_WINDOW_SECONDS" | "API_QUOTA_STORE" | "DATABASE_URL" | "REDIS_URL"
>;

/**
 * Opens the quota store the configuration asks for (docs/decisions/018-shared-quota.md): nothing
 * for memory, a 2-connection PostgreSQL pool of its own (a quota check must not queue behind the
 * API's queries), or a Redis client. Both shared stores fall back to memory while unreachable.
 *
 * @example
 * const quota = await openQuotaStore(env, "postgres", logger);
 * createApp({ …, config: { quota: { requests, windowSeconds, store: quota.store } } });
 * // at shutdown: await quota.close();
 */
export async function openQuotaStore(
  env: QuotaEnv,
  dialect: "sqlite" | "postgres",
  logger: Logger,
): Promise<OpenedQuotaStore> {
  const kind = quotaStoreKind(env);
  const options = { requests: env.API_QUOTA_REQUESTS, windowSeconds: env.API_QUOTA_WINDOW_SECONDS };
  if (kind === "database" && dialect !== "postgres") {
    throw new QuotaStoreConfigError(
      "API_QUOTA_STORE=database needs DATABASE_URL=postgres://… (SQLite serves one instance)",
    );
  }
  if (kind === "redis" && env.REDIS_URL === undefined) {
    throw new QuotaStoreConfigError("API_QUOTA_STORE=redis needs REDIS_URL=redis://…");
  }
  if (env.API_QUOTA_REQUESTS === 0 || kind === "memory") {
    return { store: undefined, close: () => Promise.resolve() };
  }
  if (kind === "redis") {
    // No offline queue: while Redis is down a check fails at once (and counts in memory)
    // instead of waiting for a reconnect; ioredis keeps reconnecting in the background.
    const client = new Redis(env.REDIS_URL ?? "", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    let warned = false;
    client.on("error", (error: Error) => {
      // ioredis reports every failed reconnect: one line per outage is enough.
      if (!warned) logger.warn({ err: error.message }, "quota store (Redis) unreachable: counting in memory");
      warned = true;
    });
    client.on("ready", () => {
      warned = false;
    });
    // Without an offline queue, checks made before the first connect would all count in memory.
    await connected(client, 3_000);
    return {
      store: createRedisQuotaStore({ client, ...options }),
      close: async () => {
        client.disconnect();
        await Promise.resolve();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
  // An idle client that loses its connection (PostgreSQL restarted) emits on the pool: without a
  // listener that would end the process; the next check reconnects, or counts in memory.
  pool.on("error", (error) => logger.warn({ err: error.message }, "quota store connection lost"));
  try {
    const store = await createPostgresQuotaStore({ pool, ...options });
    return { store, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** Resolves once the client is ready, or has failed, or after `timeoutMs`: never throws. */
function connected(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once("ready", done);
    client.once("error", done);
  });
}
