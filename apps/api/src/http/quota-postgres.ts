import type pg from "pg";
import {
  type QuotaDecision,
  QUOTA_KEY_PREFIX,
  QUOTA_TABLE,
  type QuotaOptions,
  type QuotaStore,
  checkQuotaOptions,
  createMemoryQuotaStore,
} from "./quota.ts";

export interface PostgresQuotaOptions extends QuotaOptions {
  /** A pool of its own: a quota check must not wait behind the API's queries for a connection. */
  pool: pg.Pool;
  /**
   * What happens when PostgreSQL does not answer: "open" (default) falls back to a per-instance
   * quota in memory, "closed" answers 500 (docs/decisions/018-shared-quota.md).
   */
  onStoreError?: "open" | "closed";
}

// rate-limiter-flexible's upsert (the table, columns, keys and arithmetic the FastAPI backend
// also uses), for many keys at once: each key's count grows by its number of requests in the
// batch, and a window that has ended starts again at that number.
const UPSERT = `
INSERT INTO ${QUOTA_TABLE} (key, points, expire)
  SELECT k, n, $3::bigint FROM unnest($1::varchar[], $2::integer[]) AS t(k, n)
ON CONFLICT (key) DO UPDATE SET
  points = CASE WHEN ${QUOTA_TABLE}.expire <= $4 THEN EXCLUDED.points ELSE ${QUOTA_TABLE}.points + EXCLUDED.points END,
  expire = CASE WHEN ${QUOTA_TABLE}.expire <= $4 THEN EXCLUDED.expire ELSE ${QUOTA_TABLE}.expire END
RETURNING key, points, expire`;

/** Rows expired for this long are deleted (rate-limiter-flexible's own sweep keeps the same hour). */
const SWEEP_AFTER_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 5 * 60 * 1000;

interface Pending {
  key: string;
  resolve: (decision: QuotaDecision | Promise<QuotaDecision>) => void;
  reject: (error: unknown) => void;
}

/**
 * The quota shared by every instance on one PostgreSQL database, in the `api_quota` table, with
 * rate-limiter-flexible's fixed-window arithmetic. Requests are counted in batches: the checks
 * that arrive while a statement is out (or within one turn of the event loop) go together in the
 * next one, one row per user, so a busy instance makes one round trip per batch rather than one
 * per request (docs/decisions/023-quota-batching.md). Each request's decision is what it would
 * have been counted alone, in arrival order: refused requests are counted too, as the library
 * does. The table is created here (once, under an advisory lock, so instances starting together
 * do not race).
 */
export async function createPostgresQuotaStore(options: PostgresQuotaOptions): Promise<QuotaStore> {
  checkQuotaOptions(options);
  const { pool, requests } = options;
  await ensureQuotaTable(pool);
  const fallback = options.onStoreError === "closed" ? undefined : createMemoryQuotaStore(options);
  const windowMs = options.windowSeconds * 1000;
  // As many statements in flight as the pool has connections; more would only queue in the pool.
  const maxInFlight = Math.max(1, pool.options.max ?? 10);
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = async () => {
    scheduled = false;
    if (queue.length === 0 || inFlight >= maxInFlight) return;
    const batch = queue;
    queue = [];
    inFlight += 1;
    const byKey = new Map<string, Pending[]>();
    for (const item of batch) {
      const same = byKey.get(item.key);
      if (same === undefined) byKey.set(item.key, [item]);
      else same.push(item);
    }
    // One order for every instance's statements, so two batches never wait on each other's rows.
    const keys = [...byKey.keys()].sort();
    try {
      const now = Date.now();
      const { rows } = await pool.query<{ key: string; points: number; expire: string }>(UPSERT, [
        keys.map((k) => `${QUOTA_KEY_PREFIX}:${k}`),
        keys.map((k) => byKey.get(k)?.length ?? 0),
        now + windowMs,
        now,
      ]);
      const answered = Date.now();
      for (const row of rows) {
        const items = byKey.get(row.key.slice(QUOTA_KEY_PREFIX.length + 1)) ?? [];
        const before = row.points - items.length;
        const msLeft = Math.max(0, Number(row.expire) - answered);
        items.forEach((item, i) => item.resolve(decide(requests, before + i + 1, msLeft)));
      }
    } catch (error) {
      for (const item of batch) {
        if (fallback === undefined) item.reject(error);
        else item.resolve(fallback.consume(item.key));
      }
    } finally {
      inFlight -= 1;
      if (queue.length > 0) void flush();
    }
  };

  const sweep = setInterval(() => {
    pool
      .query(`DELETE FROM ${QUOTA_TABLE} WHERE expire < $1`, [Date.now() - SWEEP_AFTER_MS])
      .catch(() => undefined);
  }, SWEEP_EVERY_MS);
  sweep.unref();

  return {
    consume(key) {
      return new Promise<QuotaDecision>((resolve, reject) => {
        queue.push({ key, resolve, reject });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          // After the current turn's I/O callbacks, so requests parsed together count together.
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** The decision for the request that brought the user's count in this window to `consumed`. */
function decide(limit: number, consumed: number, msLeft: number): QuotaDecision {
  const seconds = Math.ceil(msLeft / 1000);
  if (consumed <= limit) {
    return { allowed: true, limit, remaining: limit - consumed, resetSeconds: seconds, retryAfterSeconds: 0 };
  }
  // Fixed window: the next request and the whole quota come back at the same moment.
  const reset = Math.max(1, seconds);
  return { allowed: false, limit, remaining: 0, resetSeconds: reset, retryAfterSeconds: reset };
}

async function ensureQuotaTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // CREATE TABLE IF NOT EXISTS is not safe against itself run concurrently.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tandem.api_quota'))");
    // Unlogged: counts of windows a few minutes long are not worth a write-ahead log record and a
    // flush to disk at every batch's commit; after a crash PostgreSQL empties the table, and every
    // user starts a new window (docs/decisions/032-unlogged-quota-table.md).
    await client.query(
      `CREATE UNLOGGED TABLE IF NOT EXISTS ${QUOTA_TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    // A table an earlier version made is logged: converted once, by whichever instance gets here.
    const { rows } = await client.query<{ relpersistence: string }>(
      "SELECT relpersistence FROM pg_class WHERE oid = to_regclass($1)",
      [QUOTA_TABLE],
    );
    if (rows[0]?.relpersistence === "p") await client.query(`ALTER TABLE ${QUOTA_TABLE} SET UNLOGGED`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
