// Databases, users and data for the benchmark. Users sign up through the web app's Better Auth
// (real sessions, real tokens); tasks are inserted in bulk straight into the database.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { migrateDatabase } from "@tandem/auth";
import { ListTasksQuerySchema } from "@tandem/contracts";
import { createDb, type Dialect, migrateTandemTo, MigrationError, type TandemDb, uuidv7 } from "@tandem/db";
import { CompiledQuery, sql } from "kysely";
import { encodeCursor } from "../../apps/api/src/tasks/tasks.cursor.ts";
import { listTasksQuery } from "../../apps/api/src/tasks/tasks.queries.ts";

export interface BenchDatabase {
  dialect: Dialect;
  url: string;
  /** A handle for seeding and query plans (closed by `drop`). */
  handle: TandemDb;
  drop(): Promise<void>;
}

export async function createSqliteDatabase(dir: string): Promise<BenchDatabase> {
  const url = `file:${join(dir, "bench.db")}`;
  const handle = createDb(url);
  await migrateDatabase(handle);
  return { dialect: "sqlite", url, handle, drop: () => handle.destroy() };
}

/** The PostgreSQL server the benchmark creates its databases on. */
export function benchPostgresUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    "postgres://postgres@127.0.0.1:5432/postgres"
  );
}

/** A fresh database on the PostgreSQL server of `adminUrl`, dropped (with its connections) by `drop`. */
export async function createPostgresDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  const admin = createDb(adminUrl);
  try {
    await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString());
  await migrateDatabase(handle);
  return {
    dialect: "postgres",
    url: url.toString(),
    handle,
    async drop() {
      await handle.destroy();
      const again = createDb(adminUrl);
      try {
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(again.db);
      } finally {
        await again.destroy();
      }
    },
  };
}

/**
 * The database the --baseline build runs on. On SQLite, a copy of `database` as seeded (its users,
 * sessions and tasks), moved to the baseline's own schema: on the shared file an older build would
 * read through indexes and pay for triggers that are not its own (migrations 0006 and 0007), and
 * would see the current build's writes. On PostgreSQL a copy needs the source database idle, which
 * it is not while the web app runs, so the baseline shares it; `sharedBecause` says why it shares.
 */
export async function baselineDatabase(
  database: BenchDatabase,
  lastMigration: string,
): Promise<{ url: string; sharedBecause?: string }> {
  if (database.dialect !== "sqlite") {
    return { url: database.url, sharedBecause: "a copy needs the source database idle" };
  }
  const file = join(dirname(database.url.replace(/^file:/, "")), "baseline.db");
  for (const part of ["", "-wal", "-shm"]) rmSync(`${file}${part}`, { force: true });
  await sql`VACUUM INTO ${file}`.execute(database.handle.db);
  const copy = createDb(`file:${file}`);
  let irreversible: MigrationError | undefined;
  try {
    await migrateTandemTo(copy.db, lastMigration);
  } catch (error) {
    // Some migrations have no way back (0003, 0004): a baseline from before them shares the file.
    if (!(error instanceof MigrationError)) throw error;
    irreversible = error;
  } finally {
    await copy.destroy();
  }
  if (irreversible === undefined) return { url: `file:${file}` };
  rmSync(file, { force: true });
  return { url: database.url, sharedBecause: irreversible.message };
}

export interface BenchUser {
  id: string;
  email: string;
  password: string;
  cookie: string;
  /** One of the user's tasks, for the toggle requests. */
  taskId: string;
}

const PASSWORD = "bench-password-1234";

async function call(webUrl: string, method: string, path: string, init: { cookie?: string; body?: object }) {
  const headers: Record<string, string> = { origin: webUrl };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.body) headers["content-type"] = "application/json";
  const response = await fetch(`${webUrl}/api/auth${path}`, {
    method,
    headers,
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!response.ok)
    throw new Error(`${method} /api/auth${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Runs `work` over `items`, `width` at a time. */
export async function inBatches<T, R>(
  items: T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  }
  return results;
}

/** Signs `count` users up through Better Auth; each keeps its session cookie. */
export async function signUpUsers(webUrl: string, label: string, count: number): Promise<BenchUser[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return inBatches(indexes, 4, async (i) => {
    const email = `bench-${label}-${i}-${randomBytes(4).toString("hex")}@example.test`;
    const response = await call(webUrl, "POST", "/sign-up/email", {
      body: { name: `Bench ${label} ${i}`, email, password: PASSWORD },
    });
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";", 1)[0] ?? "")
      .find((c) => c.startsWith("better-auth.session_token="));
    const body = (await response.json()) as { user?: { id?: string } };
    if (!cookie || !body.user?.id) throw new Error("sign-up returned no session cookie or user id");
    return { id: body.user.id, email, password: PASSWORD, cookie, taskId: "" };
  });
}

/** A fresh access token for the session behind `cookie`, from Better Auth's token endpoint. */
export async function mintToken(webUrl: string, cookie: string): Promise<string> {
  const response = await call(webUrl, "GET", "/token", { cookie });
  const { token } = (await response.json()) as { token?: string };
  if (!token) throw new Error("GET /api/auth/token returned no token");
  return token;
}

/**
 * Tokens for a set of users, minted again when they near their 15-minute lifetime so a long run
 * never sends expired ones.
 */
export class TokenPool {
  #tokens: { token: string; taskId: string }[] = [];
  #mintedAt = 0;
  constructor(
    readonly webUrl: string,
    readonly users: BenchUser[],
  ) {}

  async fresh(): Promise<{ token: string; taskId: string }[]> {
    if (Date.now() - this.#mintedAt > 8 * 60_000) {
      this.#tokens = await inBatches(this.users, 8, async (u) => ({
        token: await mintToken(this.webUrl, u.cookie),
        taskId: u.taskId || "none",
      }));
      this.#mintedAt = Date.now();
    }
    return this.#tokens;
  }
}

const MINUTE = 60_000;
const title = (i: number) => `Task ${i + 1}: check the quarterly figures`;
/** The newest seeded task of every user: what the browser waits for in scenario 5. */
export const FIRST_TASK_TITLE = title(0);

/**
 * Inserts `count` tasks for `userId`, one minute apart going back from now (so the newest-first
 * list has a stable order), every third completed. Returns the newest task's id.
 */
export async function seedTasks(database: TandemDb, userId: string, count: number): Promise<string> {
  const now = Date.now();
  let newest = "";
  const BATCH = 1000;
  await database.db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const at = new Date(now - i * MINUTE).toISOString();
        const id = uuidv7();
        if (i === 0) newest = id;
        rows.push({
          id,
          user_id: userId,
          title: title(i),
          description: i % 4 === 0 ? "Some detail about this task, as people write them." : null,
          completed: i % 3 === 0 ? 1 : 0,
          priority: (["low", "medium", "high"] as const)[i % 3] ?? "medium",
          due_at: i % 5 === 0 ? at : null,
          completed_at: i % 3 === 0 ? at : null,
          created_at: at,
          updated_at: at,
        });
      }
      await trx.insertInto("task").values(rows).execute();
    }
  });
  if (database.dialect === "postgres") await sql`ANALYZE task`.execute(database.db);
  return newest;
}

/**
 * The `cursor` of the page that starts `fromEnd` rows before the end of the user's default list
 * (newest first): the same opaque value the API hands out as `nextCursor`.
 */
export async function deepCursor(database: TandemDb, userId: string, total: number, fromEnd: number) {
  const row = await database.db
    .selectFrom("task")
    .select(["created_at", "id"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .offset(total - fromEnd - 1)
    .executeTakeFirstOrThrow();
  const createdAt = row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at;
  return encodeCursor("created", "desc", [createdAt, row.id]);
}

/** The database's plan for the API's own list statement (first page or from `cursor`). */
export async function listPlan(database: TandemDb, userId: string, cursor?: string): Promise<string> {
  const query = ListTasksQuerySchema.parse({ limit: "20", ...(cursor ? { cursor } : {}) });
  const compiled = listTasksQuery(database, userId, query).statement.compile();
  const prefix =
    database.dialect === "postgres" ? "EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) " : "EXPLAIN QUERY PLAN ";
  const result = await database.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]),
  );
  if (database.dialect === "postgres") return result.rows.map((r) => String(r["QUERY PLAN"])).join("\n");
  return result.rows
    .map((r) => `${"  ".repeat(Number(r.parent) === 0 ? 0 : 1)}${String(r.detail)}`)
    .join("\n");
}
