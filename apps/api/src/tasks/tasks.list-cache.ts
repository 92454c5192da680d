import type { ListTasksQuery } from "@tandem/contracts";
import { compiledOnce, type TandemDb } from "@tandem/db";
import DataLoader from "dataloader";
import { sql } from "kysely";

/** Most bytes of page JSON one process keeps by default: 16 MiB, a few thousand pages. */
export const DEFAULT_LIST_CACHE_BYTES = 16 * 1024 * 1024;

export interface TaskListCacheOptions {
  database: Pick<TandemDb, "db" | "dialect" | "committedReads">;
  /** Most bytes of page JSON kept; the least recently used pages go first. 0 turns the cache off. */
  maxBytes?: number;
  /** Told of each lookup: a hit served a kept page, a miss built one (metrics, tests). */
  onLookup?: (hit: boolean) => void;
}

export interface TaskListCache {
  /**
   * The page of `userId`'s tasks that `query` asks for: the kept one while the user's list version
   * is the one it was built at, otherwise `build()`'s (kept for next time when it may be).
   */
  page(userId: string, query: ListTasksQuery, build: () => Promise<string>): Promise<string>;
}

// The versions of the list requests waiting at once, in one statement, compiled once. The ids go
// as one parameter: an array on PostgreSQL, a JSON array on SQLite.
const readVersions = compiledOnce(["userIds"], (db, v, dialect) =>
  db
    .selectFrom("task_list_version")
    .select(["user_id", "version"])
    .where(
      "user_id",
      dialect === "postgres" ? "=" : "in",
      dialect === "postgres"
        ? sql<string>`any(${v.userIds})`
        : sql<string>`(select value from json_each(${v.userIds}))`,
    ),
);

/** Most users' versions asked for in one statement. */
const MOST_VERSIONS_PER_READ = 256;

interface Entry {
  version: string;
  body: string;
}

/**
 * The personal list's pages, kept per process and checked against the user's list version on
 * every request (docs/decisions/029-task-list-cache.md). The version is the database's
 * (migration 0006): triggers bump it in the same transaction as any change to the user's tasks,
 * whoever makes it, so a page is served only while no task of that user has changed since it was
 * built, on this instance or any other. The key holds the verified caller's id and every field of
 * the parsed query; the version is read for that same id.
 */
export function createTaskListCache(options: TaskListCacheOptions): TaskListCache {
  const maxBytes = options.maxBytes ?? DEFAULT_LIST_CACHE_BYTES;
  const { committedReads } = options.database;
  const entries = new Map<string, Entry>();
  let bytes = 0;

  // Each list request needs its user's version, and a statement costs far more than a row: the
  // driver's messages and the server's work on PostgreSQL, Kysely's and the driver's path into
  // SQLite. So the reads of the list requests that reach this point in one turn of the event loop
  // go as one statement, sent once that turn's I/O has been handled (DataLoader, scheduled with
  // setImmediate). Nothing is remembered between statements, and a statement starts after every
  // request in it arrived, so each request still sees every change committed before it arrived,
  // as a read of its own would. Null when the user has no version yet (no change recorded): such
  // a list is not kept, so a version row that went away and started again could never match a
  // page built before.
  const { database } = options;
  const versions = new DataLoader<string, string | null>(
    async (userIds) => {
      const ids = database.dialect === "postgres" ? [...userIds] : JSON.stringify(userIds);
      const { rows } = await readVersions(database, { userIds: ids });
      const byUser = new Map(rows.map((row) => [row.user_id, String(row.version)]));
      return userIds.map((userId) => byUser.get(userId) ?? null);
    },
    { cache: false, maxBatchSize: MOST_VERSIONS_PER_READ, batchScheduleFn: (send) => setImmediate(send) },
  );

  function keep(key: string, entry: Entry): void {
    const size = key.length + entry.body.length;
    if (size > maxBytes) return;
    const old = entries.get(key);
    if (old !== undefined) {
      entries.delete(key);
      bytes -= key.length + old.body.length;
    }
    entries.set(key, entry);
    bytes += size;
    for (const [oldest, dropped] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(oldest);
      bytes -= oldest.length + dropped.body.length;
    }
  }

  return {
    async page(userId, query, build) {
      if (maxBytes === 0) return build();
      const key = keyOf(userId, query);
      // Only reads that saw committed data may be kept: a page built from an open SQLite batch
      // could show a write that then fails, under a version the next real write reaches again.
      const before = committedReads?.();
      const version = await versions.load(userId);
      const kept = entries.get(key);
      if (version !== null && kept?.version === version) {
        // Most recently used last, so the Map's order is the eviction order.
        entries.delete(key);
        entries.set(key, kept);
        options.onLookup?.(true);
        return kept.body;
      }
      options.onLookup?.(false);
      const body = await build();
      const settled = committedReads === undefined || (before !== undefined && committedReads() === before);
      if (version !== null && settled) keep(key, { version, body });
      return body;
    },
  };
}

/**
 * The cache key: the caller's id and the whole parsed query, so a field the query gains later is
 * part of the key without anyone remembering to add it.
 */
function keyOf(userId: string, query: ListTasksQuery): string {
  return JSON.stringify([userId, query]);
}
