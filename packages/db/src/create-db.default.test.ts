// Without DATABASE_URL, createDb opens the repository's data/tandem.db. The real file may be a
// developer's database, so the driver and mkdir are replaced here and nothing touches the disk.
import type * as fs from "node:fs";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ opened: [] as string[], pragmas: [] as string[], mkdir: [] as string[] }));

vi.mock("better-sqlite3", () => ({
  default: class FakeSqlite {
    constructor(path: string) {
      calls.opened.push(path);
    }
    pragma(source: string) {
      calls.pragmas.push(source);
    }
    function() {
      return this;
    }
    close() {
      return this;
    }
  },
}));

vi.mock("node:fs", async (importOriginal) => ({
  ...(await importOriginal<typeof fs>()),
  mkdirSync: (path: string) => void calls.mkdir.push(path),
}));

const { createDb, DEFAULT_SQLITE_PATH } = await import("./create-db.ts");

describe("createDb without a URL", () => {
  it("points the default at data/tandem.db in the repository root, whatever the working directory", () => {
    expect(DEFAULT_SQLITE_PATH).toBe(join(dirname(dirname(DEFAULT_SQLITE_PATH)), "data", "tandem.db"));
    const root = JSON.parse(
      readFileSync(join(dirname(dirname(DEFAULT_SQLITE_PATH)), "package.json"), "utf8"),
    ) as {
      workspaces?: string[];
    };
    expect(root.workspaces).toEqual(expect.arrayContaining(["packages/*", "apps/*"]));
  });

  it.each([undefined, ""])("opens the default SQLite file for %j", async (url) => {
    calls.opened.length = 0;
    const database = createDb(url);
    expect(database).toMatchObject({ dialect: "sqlite", location: DEFAULT_SQLITE_PATH });
    expect(calls.opened).toEqual([DEFAULT_SQLITE_PATH]);
    expect(calls.mkdir).toContain(dirname(DEFAULT_SQLITE_PATH));
    expect(calls.pragmas).toEqual(
      expect.arrayContaining([
        "journal_mode = WAL",
        "foreign_keys = ON",
        expect.stringMatching(/^busy_timeout = \d+$/),
      ]),
    );
    await database.destroy();
  });
});
