import { mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { CHECKPOINT_INTERVAL_MS, startBackgroundCheckpoints } from "./sqlite-checkpoints.ts";
import { createDb, type TandemDb } from "./index.ts";

describe("SQLite checkpoints in the background", () => {
  let dir: string;
  const open: TandemDb[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(inject("tandemTemplates").sqliteDir, "checkpoints-"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.destroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  // With WAL, commits go to the log; only a checkpoint moves pages into the main file, so its size
  // says whether one ran.
  async function mainFileGrowth(checkpoints: "auto" | "background", disableAuto: boolean): Promise<number> {
    const path = join(dir, `${checkpoints}-${String(disableAuto)}.db`);
    const database = createDb(`file:${path}`, { sqliteCheckpoints: checkpoints });
    open.push(database);
    if (disableAuto) await sql`PRAGMA wal_autocheckpoint = 0`.execute(database.db);
    await sql`CREATE TABLE probe (x text)`.execute(database.db);
    await sleep(CHECKPOINT_INTERVAL_MS * 2);
    const before = statSync(path).size;
    for (let i = 0; i < 2_000; i++)
      await sql`INSERT INTO probe VALUES (${"x".repeat(200)})`.execute(database.db);
    await sleep(CHECKPOINT_INTERVAL_MS * 3);
    return statSync(path).size - before;
  }

  it("moves committed pages into the database file from the worker", async () => {
    expect(await mainFileGrowth("background", false)).toBeGreaterThan(200_000);
    // The control: with SQLite's own checkpoints off and no worker, the file does not grow.
    expect(await mainFileGrowth("auto", true)).toBe(0);
  });

  it("turns SQLite's own checkpoints off on the connection it serves", async () => {
    const database = createDb(`file:${join(dir, "pragma.db")}`, { sqliteCheckpoints: "background" });
    open.push(database);
    const { rows } = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(
      database.db,
    );
    expect(rows[0]?.wal_autocheckpoint).toBe(0);
  });

  it("reports a worker that cannot run, so the caller can fall back", async () => {
    let failed = false;
    const checkpoints = startBackgroundCheckpoints(join(dir, "missing", "no.db"), {
      onFailure: () => {
        failed = true;
      },
    });
    for (let i = 0; i < 50 && !failed; i++) await sleep(50);
    expect(failed).toBe(true);
    await checkpoints.stop();
  });
});
