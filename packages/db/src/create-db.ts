import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import pg from "pg";
import { isoInstantTypes } from "./instants.ts";
import { preparingPool } from "./prepared.ts";
import { type BackgroundCheckpoints, startBackgroundCheckpoints } from "./sqlite-checkpoints.ts";
import { type GroupCommit, GroupCommitSqliteDialect } from "./sqlite-group-commit.ts";
import type { Dialect } from "./dialect.ts";
import type { Database } from "./schema.ts";

export interface TandemDb {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials: a file path or `postgres://host:port/db`. */
  location: string;
  /** The `pg` pool's counts (PostgreSQL only), for metrics; SQLite has one connection and no pool. */
  poolStats?: () => { totalCount: number; idleCount: number; waitingCount: number };
  /**
   * What reads on this handle see, for a cache to know what it may keep: a number that is the
   * same before and after a read only if that read saw committed data alone; undefined while
   * reads may see writes not yet committed (an open SQLite group-commit batch). Absent where
   * reads only ever see committed data (PostgreSQL, SQLite without group commit).
   */
  committedReads?: () => number | undefined;
  destroy(): Promise<void>;
}

/** `<repo>/data/tandem.db`, whatever the working directory (or bundle) of the process that asks. */
export const DEFAULT_SQLITE_PATH = join(
  findRepoRoot(dirname(fileURLToPath(import.meta.url))),
  "data",
  "tandem.db",
);

// The repository root is the nearest folder with a package-lock.json (npm workspaces keep one,
// at the root only). Falls back to the working directory outside a checkout.
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package-lock.json"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

export interface CreateDbOptions {
  /** Postgres pool size (default 10). */
  poolSize?: number;
  /**
   * Read Postgres `timestamptz` values as ISO 8601 UTC text, as SQLite stores them, instead of
   * Date objects (the API, which only ever sends them as text). Better Auth expects Dates, so the
   * web app keeps the default.
   */
  isoInstants?: boolean;
  /**
   * Send Postgres statements as named prepared statements, planned once per connection (see
   * prepared.ts). For the API's few, hot statements; Better Auth keeps the default.
   */
  preparedStatements?: boolean;
  /**
   * SQLite only: "background" copies the write-ahead log into the database file from a worker
   * thread instead of inside a commit on the event loop (sqlite-checkpoints.ts). For the API,
   * which writes on every create; default "auto" leaves it to SQLite.
   */
  sqliteCheckpoints?: "auto" | "background";
  /**
   * SQLite only: commit the writes of one turn of the event loop together, answering each after
   * the shared commit (sqlite-group-commit.ts). For the API; Better Auth keeps one commit a write.
   */
  sqliteGroupCommit?: boolean;
}

export class DatabaseUrlError extends Error {}

/**
 * Opens Tandem's database.
 *
 * - `undefined`, `""` or `file:<path>` → embedded SQLite (WAL, foreign keys on, busy timeout);
 *   the directory is created. Relative paths resolve against the working directory.
 * - `postgres://…` or `postgresql://…` → a `pg` pool.
 *
 * @example
 * const { db, destroy } = createDb(process.env.DATABASE_URL);
 */
export function createDb(url: string | undefined, options: CreateDbOptions = {}): TandemDb {
  if (url === undefined || url === "") return openSqlite(DEFAULT_SQLITE_PATH, options);
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "")
      throw new DatabaseUrlError("DATABASE_URL file: needs a path, e.g. file:./data/tandem.db");
    return openSqlite(resolve(path), options);
  }
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new DatabaseUrlError(
    "DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL); got a value of another kind",
  );
}

function openSqlite(path: string, options: CreateDbOptions): TandemDb {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  // Reads through a memory map instead of a read(2) and a copy per page missing from SQLite's own
  // cache (2 MB by default), the setting Rails ships; the file can still be larger than the map.
  sqlite.pragma("mmap_size = 134217728");
  // SQLite's built-in lower() folds ASCII only; Postgres folds all of Unicode. Replace it so
  // case-insensitive search behaves the same on both.
  sqlite.function("lower", { deterministic: true }, (value: unknown) =>
    typeof value === "string" ? value.toLowerCase() : value,
  );
  const statements = withStatementCache(sqlite);
  let groupCommit: GroupCommit | undefined;
  let dialect: SqliteDialect = new SqliteDialect({ database: statements });
  if (options.sqliteGroupCommit) {
    const grouping = new GroupCommitSqliteDialect(sqlite, (text) => statements.prepare(text));
    groupCommit = grouping.groupCommit;
    dialect = grouping;
  }
  let checkpoints: BackgroundCheckpoints | undefined;
  if (options.sqliteCheckpoints === "background") {
    sqlite.pragma("wal_autocheckpoint = 0");
    // No journal_size_limit: cutting the log back would free its blocks on this thread at every
    // reset, and the worker's reset already bounds the file (decision 024).
    const resetLog = () => {
      if (sqlite.open) sqlite.pragma("wal_checkpoint(PASSIVE)");
    };
    checkpoints = startBackgroundCheckpoints(path, {
      // With group commit the worker passes only after this process's own commits, so idle
      // processes on the same file add no checkpoints (and syncs) of their own.
      ...(groupCommit === undefined ? {} : { writes: groupCommit.commitCount }),
      // Inside an open batch the checkpoint could not finish: it runs right after the commit.
      onResetDue: () => (groupCommit === undefined ? resetLog() : groupCommit.whenIdle(resetLog)),
      onFailure: () => {
        if (sqlite.open) sqlite.pragma("wal_autocheckpoint = 1000");
      },
    });
  }
  const db = new Kysely<Database>({ dialect });
  // Kysely only closes a connection it has used: close it here too, or a handle that never ran a
  // query would stay open (and keep answering). Closing twice is harmless.
  const destroy = once(async () => {
    await checkpoints?.stop();
    await db.destroy();
    sqlite.close();
  });
  const grouped = groupCommit;
  return {
    db,
    dialect: "sqlite",
    location: path,
    ...(grouped === undefined ? {} : { committedReads: () => grouped.settled }),
    destroy,
  };
}

/** Most prepared statements kept per SQLite connection (the API uses a few dozen distinct ones). */
const SQLITE_STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as Kysely sees it, with prepared statements reused per SQL text: Kysely prepares
 * every statement again on every query, and compiling the SQL is a large share of a small
 * query's time (measured in docs/decisions/007). A statement that is still being iterated (a streamed
 * query) is busy and cannot run twice at once, so such a call gets a fresh, uncached one.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SQLite.Statement {
      const cached = statements.get(text);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = sqlite.prepare(text);
      if (cached === undefined) {
        statements.set(text, statement);
        if (statements.size > SQLITE_STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      return statement;
    },
  } satisfies SqliteDatabase;
}

function openPostgres(url: string, options: CreateDbOptions): TandemDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Fail a query fast (and let /ready say so) rather than hang when the server is unreachable.
    connectionTimeoutMillis: 5000,
    ...(options.isoInstants ? { types: isoInstantTypes } : {}),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query gets a fresh connection.
  pool.on("error", () => {});
  // A checked-out client has no pool listener, and `pg` emits 'error' on it when the server ends
  // the connection (PostgreSQL restarting) even though the query in flight is rejected too: that
  // unhandled 'error' would crash the process. The query's own rejection is what callers see.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: options.preparedStatements ? preparingPool(pool) : pool }),
  });
  const parsed = new URL(url);
  return {
    db,
    dialect: "postgres",
    location: `postgres://${parsed.host}${parsed.pathname}`,
    poolStats: () => ({
      totalCount: pool.totalCount,
      idleCount: pool.idleCount,
      waitingCount: pool.waitingCount,
    }),
    // As for SQLite: Kysely ends only a pool it has used; `pg` throws if a pool is ended twice.
    destroy: once(async () => {
      await db.destroy();
      if (!pool.ending && !pool.ended) await pool.end();
    }),
  };
}

/** `destroy()` does its work once; later calls wait for the same result. */
function once(work: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= work());
}
