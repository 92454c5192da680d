// `npm run bench:batch -- [--users 64] [--tasks 1000] [--batches 300]`: what one SQLite group-commit
// batch of creates costs, with the task table as migrated, and as controls: with the newest-first
// index (task_user_created_idx) that migration 0007 dropped put back, without the list's index
// (task_user_completed_created_idx), and without the list-version trigger. A batch is one insert per user, as
// the API's group commit gathers them under load (one batch per turn of the event loop, about one
// write per connection). Prints the log frames (4 KiB pages) each commit writes and the CPU per
// write of the inserts, of the commit and of the checkpoint that copies the batch into the
// database file, pinned to one core like the API. In-process, no HTTP: it isolates the database's
// share of a create (docs/decisions/031-one-index-per-user-list.md).
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { migrateDatabase } from "@tandem/auth";
import { createDb, uuidv7 } from "@tandem/db";
import { sql } from "kysely";
import { argOption } from "./lib/args.ts";
import { seedTasks } from "./lib/seed.ts";

const argv = process.argv.slice(2);
const users = Number(argOption(argv, "--users", "64"));
const tasks = Number(argOption(argv, "--tasks", "1000"));
const batches = Number(argOption(argv, "--batches", "300"));
const WARMUP = 30;

const dir = mkdtempSync(join(tmpdir(), "tandem-batch-"));
try {
  const seeded = join(dir, "seeded.db");
  const handle = createDb(`file:${seeded}`);
  await migrateDatabase(handle);
  const ids: string[] = [];
  for (let i = 0; i < users; i++) {
    const id = uuidv7();
    const now = new Date().toISOString();
    await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
      VALUES (${id}, ${`Bench ${i}`}, ${`batch-${i}@example.com`}, 0, ${now}, ${now})`.execute(handle.db);
    await seedTasks(handle, id, tasks);
    ids.push(id);
  }
  await handle.destroy();
  console.log(`${users} users × ${tasks} tasks; a batch is one create per user; ${batches} batches`);
  // Each control changes the schema in one place, so the difference is that part's cost per write.
  const variants: [string, string][] = [
    ["as migrated", ""],
    ["with task_user_created_idx", "CREATE INDEX task_user_created_idx ON task (user_id, created_at, id)"],
    ["without the list's index", "DROP INDEX task_user_completed_created_idx"],
    ["without the list-version trigger", "DROP TRIGGER task_list_version_insert"],
  ];
  for (const [i, [variant, setup]] of variants.entries()) {
    const file = join(dir, `${i}.db`);
    copyFileSync(seeded, file);
    console.log(`${variant.padEnd(34)} ${measure(file, ids, setup)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measure(file: string, ids: string[], setup: string): string {
  const sqlite = new SQLite(file);
  // The API's settings (createDb): WAL, synchronous NORMAL, the map; checkpoints by hand here.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("mmap_size = 134217728");
  sqlite.pragma("wal_autocheckpoint = 0");
  if (setup !== "") sqlite.exec(setup);
  const insert = sqlite.prepare(
    `INSERT INTO task (id, user_id, title, description, completed, priority, due_at, completed_at, created_at, updated_at)
     VALUES (?, ?, 'Buy milk', NULL, 0, 'medium', NULL, NULL, ?, ?)`,
  );
  const begin = sqlite.prepare("BEGIN IMMEDIATE");
  const commit = sqlite.prepare("COMMIT");
  const frames = (): number => (sqlite.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]?.log ?? 0;
  let inserting = 0n;
  let committing = 0n;
  // The checkpoint's own CPU (user and kernel: reading the log, writing the file), not its wall
  // time, which is mostly the two syncs. The API's worker does this work on the same core.
  let checkpointing = 0;
  const written: number[] = [];
  // Each batch's frames are counted by the checkpoint after it, which copies the whole log (nothing
  // reads meanwhile), so the next batch starts the log over, as after the API's checkpoints.
  frames();
  for (let b = 0; b < WARMUP + batches; b++) {
    const now = new Date(Date.now() + b).toISOString();
    const started = process.hrtime.bigint();
    begin.run();
    for (const user of ids) insert.run(uuidv7(), user, now, now);
    const inserted = process.hrtime.bigint();
    commit.run();
    const committed = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const log = frames();
    const { user, system } = process.cpuUsage(cpu);
    if (b < WARMUP) continue;
    checkpointing += user + system;
    inserting += inserted - started;
    committing += committed - inserted;
    written.push(log);
  }
  sqlite.close();
  written.sort((x, y) => x - y);
  const writes = batches * ids.length;
  const us = (ns: bigint) => (Number(ns) / 1000 / writes).toFixed(1);
  const median = written[Math.floor(written.length / 2)] ?? 0;
  const checkpoint = (checkpointing / writes).toFixed(1);
  return `frames per commit ${median} (median), insert ${us(inserting)} µs/write, commit ${us(committing)} µs/write, checkpoint ${checkpoint} µs/write (CPU)`;
}
