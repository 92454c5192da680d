import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createDb, DatabaseUrlError, type TandemDb } from "./index.ts";

describe("createDb", () => {
  let dir: string;
  const open: TandemDb[] = [];
  beforeEach(() => {
    // Inside the run's directory, which the global teardown removes even after a crash.
    dir = mkdtempSync(join(inject("tandemTemplates").sqliteDir, "create-db-"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.destroy()));
    rmSync(dir, { recursive: true, force: true });
  });
  function opened(url: string): TandemDb {
    const database = createDb(url);
    open.push(database);
    return database;
  }
  async function one<T>(query: ReturnType<typeof sql<T>>, database: TandemDb): Promise<T> {
    const { rows } = await query.execute(database.db);
    return rows[0] as T;
  }

  it("opens SQLite at an absolute file: path, creating its directory", async () => {
    const path = join(dir, "nested", "deeper", "a.db");
    for (const url of [`file:${path}`, `file://${path}`]) {
      const database = opened(url);
      expect(database).toMatchObject({ dialect: "sqlite", location: path });
      await sql`CREATE TABLE IF NOT EXISTS probe (x integer)`.execute(database.db);
      expect(existsSync(path)).toBe(true);
    }
  });

  it("resolves a relative file: path against the working directory", () => {
    const target = join(dir, "relative.db");
    const database = opened(`file:${relative(process.cwd(), target)}`);
    expect(database.location).toBe(target);
    expect(existsSync(target)).toBe(true);
  });

  it("treats postgres:// and postgresql:// URLs as PostgreSQL, without connecting or keeping credentials", async () => {
    for (const scheme of ["postgres", "postgresql"]) {
      const database = createDb(`${scheme}://tandem:s3cret-pw@127.0.0.1:1/tasks?sslmode=disable`);
      expect(database).toMatchObject({ dialect: "postgres", location: "postgres://127.0.0.1:1/tasks" });
      expect(JSON.stringify(database.location)).not.toContain("s3cret");
      await database.destroy();
    }
  });

  it("refuses any other URL with a DatabaseUrlError that names the accepted forms but not the value", () => {
    for (const url of [
      "mysql://root:hunter2@db/x",
      "sqlite:./x.db",
      "./data/x.db",
      "http://x",
      "POSTGRES://x/y",
    ]) {
      let error: unknown;
      try {
        createDb(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(DatabaseUrlError);
      expect((error as Error).message).toMatch(/file:.*postgres:\/\//);
      expect((error as Error).message).not.toContain("hunter2");
    }
    expect(() => createDb("file:")).toThrow(DatabaseUrlError);
    expect(() => createDb("file:")).toThrow(/needs a path/);
  });

  it("sets WAL, foreign keys and a busy timeout on SQLite", async () => {
    const database = opened(`file:${join(dir, "pragmas.db")}`);
    expect(await one(sql<{ journal_mode: string }>`PRAGMA journal_mode`, database)).toEqual({
      journal_mode: "wal",
    });
    expect(await one(sql<{ foreign_keys: number }>`PRAGMA foreign_keys`, database)).toEqual({
      foreign_keys: 1,
    });
    const timeout = await one(sql<Record<string, number>>`PRAGMA busy_timeout`, database);
    expect(Object.values(timeout)[0]).toBeGreaterThanOrEqual(1000);
  });

  it("replaces SQLite's ASCII-only lower() with a Unicode one", async () => {
    const database = opened(`file:${join(dir, "lower.db")}`);
    const row = await one(
      sql<{
        a: string;
        b: string;
        c: null;
      }>`SELECT lower('ÉCOLE Ǆ ΣΑΣ') AS a, lower('MiXeD') AS b, lower(NULL) AS c`,
      database,
    );
    expect(row).toEqual({ a: "école ǆ σας", b: "mixed", c: null });
    await sql`CREATE TABLE t (title text)`.execute(database.db);
    await sql`INSERT INTO t VALUES ('GRANDE ÉCOLE'), ('Ecole')`.execute(database.db);
    const { rows } = await sql<{
      title: string;
    }>`SELECT title FROM t WHERE lower(title) LIKE '%école%'`.execute(database.db);
    expect(rows).toEqual([{ title: "GRANDE ÉCOLE" }]);
  });

  it("closes on destroy even a handle that never ran a query, and tolerates a second destroy", async () => {
    const used = createDb(`file:${join(dir, "used.db")}`);
    await sql`SELECT 1`.execute(used.db);
    const unused = createDb(`file:${join(dir, "unused.db")}`);
    for (const database of [used, unused]) {
      await database.destroy();
      await database.destroy();
      await expect(sql`SELECT 1`.execute(database.db)).rejects.toThrow();
    }
  });
});
