import { mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import SQLite from "better-sqlite3";
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

  // The largest the write-ahead log gets under a steady stream of commits, as the API sees under
  // load: the writer never pauses long enough for a checkpoint of the worker's to finish first.
  async function largestLog(resetPages: number): Promise<number> {
    const path = join(dir, `steady-${resetPages}.db`);
    const sqlite = new SQLite(path);
    // Small pages keep the test's files small; every commit still adds at least one frame.
    sqlite.pragma("page_size = 512");
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("wal_autocheckpoint = 0");
    sqlite.exec("CREATE TABLE probe (x text)");
    const checkpoints = startBackgroundCheckpoints(path, {
      intervalMs: 5,
      resetPages,
      onResetDue: () => sqlite.pragma("wal_checkpoint(PASSIVE)"),
      onFailure: () => {},
    });
    const insert = sqlite.prepare("INSERT INTO probe VALUES (?)");
    let largest = 0;
    for (let batch = 0; batch < 4_000; batch++) {
      for (let i = 0; i < 20; i++) insert.run("x".repeat(100));
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await checkpoints.stop();
    sqlite.close();
    return largest;
  }

  it("starts the log over under a steady stream of writes", async () => {
    // 80,000 commits of one 512-byte page each: about 43 MB of log if it never started over
    // (the unbounded control measured 10 to 21 MB of its 40,000 commits' 21 MB, the few
    // checkpoints that happened to finish between two commits aside).
    const bounded = await largestLog(256);
    expect(bounded).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(10_000_000);
  });

  it("never truncates the log on the writer's connection (no journal_size_limit)", async () => {
    // A truncation frees the file's blocks on the event loop's thread, and on a file system
    // mounted with discard that waits for the device (docs/decisions/024-sqlite-writes.md).
    const database = createDb(`file:${join(dir, "limit.db")}`, { sqliteCheckpoints: "background" });
    open.push(database);
    const { rows } = await sql<{ journal_size_limit: number }>`PRAGMA journal_size_limit`.execute(
      database.db,
    );
    expect(rows[0]?.journal_size_limit).toBe(-1);
  });

  // A writer with the worker started as the API starts it (a write counter; the log emptied after
  // `idleMs` without a commit). `fill` writes `rows` rows as another process would (the counter
  // unchanged), `commit` as this process does.
  function countedWriter(name: string, idleMs?: number, rows = 500) {
    const path = join(dir, name);
    const writer = new SQLite(path);
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec("CREATE TABLE probe (x text)");
    const writes = new Int32Array(new SharedArrayBuffer(4));
    const checkpoints = startBackgroundCheckpoints(path, {
      intervalMs: 20,
      ...(idleMs === undefined ? {} : { idleTruncateMs: idleMs }),
      writes,
      onResetDue: () => {},
      onFailure: () => {},
    });
    const insert = writer.prepare("INSERT INTO probe VALUES (?)");
    const fill = () =>
      writer.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run("x".repeat(200));
      })();
    const commit = () => {
      fill();
      Atomics.add(writes, 0, 1);
    };
    const logSize = () => statSync(`${path}-wal`).size;
    const stop = async () => {
      await checkpoints.stop();
      writer.close();
    };
    return { path, writes, fill, commit, logSize, stop };
  }

  it("with a write counter, checkpoints only after this process's own commits", async () => {
    const { path, writes, fill, stop } = countedWriter("counted.db", undefined, 2_000);
    // The worker's first pass always runs (it has not seen the counter yet). Wait for it to copy
    // a first fill, however long the thread takes to start on a busy machine, so that the pass
    // below is one that read the counter.
    const initial = statSync(path).size;
    fill();
    try {
      for (let i = 0; i < 500 && statSync(path).size === initial; i++) await sleep(20);
      await sleep(100); // the pass that started growing the file has finished
      const before = statSync(path).size;
      expect(before).toBeGreaterThan(initial + 200_000);
      // Another process's writes (the counter unchanged): this worker leaves them in the log.
      fill();
      await sleep(200);
      expect(statSync(path).size).toBe(before);
      // This process's commit: the next pass copies the log into the file.
      Atomics.add(writes, 0, 1);
      for (let i = 0; i < 500 && statSync(path).size === before; i++) await sleep(20);
      expect(statSync(path).size).toBeGreaterThan(before + 200_000);
    } finally {
      await stop();
    }
  });

  it("empties the log once the file has been idle, and keeps every committed row", async () => {
    const w = countedWriter("idle.db", 300);
    try {
      w.commit();
      expect(w.logSize()).toBeGreaterThan(100_000);
      for (let i = 0; i < 250 && w.logSize() > 0; i++) await sleep(20);
      expect(w.logSize()).toBe(0);
      // Written to the database file, not lost with the log.
      const reader = new SQLite(w.path, { readonly: true });
      expect(reader.prepare("SELECT count(*) AS n FROM probe").get()).toEqual({ n: 500 });
      reader.close();
      // Writes after the idle spell go to the new log, which is then emptied again.
      w.commit();
      expect(w.logSize()).toBeGreaterThan(100_000);
      for (let i = 0; i < 250 && w.logSize() > 0; i++) await sleep(20);
      expect(w.logSize()).toBe(0);
    } finally {
      await w.stop();
    }
  });

  it("leaves the log alone while this process or another one writes to it", async () => {
    const w = countedWriter("busy.db", 300);
    const other = new SQLite(w.path);
    const otherInsert = other.prepare("INSERT INTO probe VALUES (?)");
    // A log that was cut would start small again: its size must only ever grow here.
    const sizes: number[] = [];
    try {
      // This process commits every 50 ms for a second: never idle for 300 ms.
      for (let i = 0; i < 20; i++) {
        w.commit();
        sizes.push(w.logSize());
        await sleep(50);
      }
      // Then only another connection writes (this process's counter stays put): the log is not
      // idle, so this worker must not cut it under that writer.
      for (let i = 0; i < 20; i++) {
        otherInsert.run("y".repeat(200));
        sizes.push(w.logSize());
        await sleep(50);
      }
      expect(sizes[0]).toBeGreaterThan(100_000);
      expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    } finally {
      other.close();
      await w.stop();
    }
  });

  it("reports a worker that cannot run, so the caller can fall back", async () => {
    let failed = false;
    const checkpoints = startBackgroundCheckpoints(join(dir, "missing", "no.db"), {
      onResetDue: () => {},
      onFailure: () => {
        failed = true;
      },
    });
    for (let i = 0; i < 50 && !failed; i++) await sleep(50);
    expect(failed).toBe(true);
    await checkpoints.stop();
  });
});
