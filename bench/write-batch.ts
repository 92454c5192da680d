// `npm run bench:batch -- [--users 64] [--tasks 1000] [--batches 300] [--checkpoint-every 1]`: what one SQLite group-commit
// batch of creates costs, with the task table as migrated, and as controls: with the newest-first
// index (task_user_created_idx) that migration 0007 dropped put back, without the list's index
// (task_user_completed_created_idx), without the list-version trigger, and with the list's index
// deferred (partial over merged rows, new rows merged in by one UPDATE every 16 or 64 batches). A batch
// is one insert per user, as the API's group commit gathers them under load (one batch per turn of
// the event loop, about one write per connection). Prints the log frames (4 KiB pages) written per
// create and the CPU per create of the inserts and commits (and merges), and of the checkpoint that
// copies them into the database file, pinned to one core like the API. In-process, no HTTP: it
// isolates the database's share of a create (docs/decisions/031-one-index-per-user-list.md, 034).
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
const asked = Number(argOption(argv, "--batches", "300"));
// A checkpoint after every batch counts each batch's frames; the API's worker passes once a second,
// some 100 batches under load, and copies a page changed in many of them once: `--checkpoint-every`.
const checkpointEvery = Number(argOption(argv, "--checkpoint-every", "1"));
const WARMUP = Math.ceil(30 / checkpointEvery) * checkpointEvery;
const batches = Math.ceil(asked / checkpointEvery) * checkpointEvery;

interface Variant {
  name: string;
  setup: string[];
  /** Creates insert unmerged rows, and every this many batches one UPDATE merges them. */
  mergeEvery?: number;
}

// The design decision 034's addendum measures: the list's index only over merged rows, so a create
// writes no leaf of it; new rows wait in an index of their own, in insertion order (shared pages).
// The update triggers go, as the design would keep a merge from bumping list versions.
const DEFERRED = [
  "ALTER TABLE task ADD COLUMN merged integer NOT NULL DEFAULT 1",
  "DROP INDEX task_user_completed_created_idx",
  "CREATE INDEX task_user_completed_created_idx ON task (user_id, completed, created_at, id) WHERE merged",
  "CREATE INDEX task_unmerged_idx ON task (merged, created_at, user_id) WHERE NOT merged",
  "DROP TRIGGER task_list_version_update_old",
  "DROP TRIGGER task_list_version_update_new",
];

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
  console.log(
    `${users} users × ${tasks} tasks; a batch is one create per user; ${batches} batches; a checkpoint every ${checkpointEvery}`,
  );
  // Each control changes the schema in one place, so the difference is that part's cost per write.
  const variants: Variant[] = [
    { name: "as migrated", setup: [] },
    {
      name: "with task_user_created_idx",
      setup: ["CREATE INDEX task_user_created_idx ON task (user_id, created_at, id)"],
    },
    { name: "without the list's index", setup: ["DROP INDEX task_user_completed_created_idx"] },
    { name: "without the list-version trigger", setup: ["DROP TRIGGER task_list_version_insert"] },
    { name: "list's index deferred, merge/16", setup: DEFERRED, mergeEvery: 16 },
    { name: "list's index deferred, merge/64", setup: DEFERRED, mergeEvery: 64 },
    // The first again: how far the machine drifted during the run.
    { name: "as migrated (again)", setup: [] },
  ];
  for (const [i, variant] of variants.entries()) {
    const file = join(dir, `${i}.db`);
    copyFileSync(seeded, file);
    console.log(`${variant.name.padEnd(34)} ${measure(file, ids, variant)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measure(file: string, ids: string[], { setup, mergeEvery }: Variant): string {
  const sqlite = new SQLite(file);
  // The API's settings (createDb): WAL, synchronous NORMAL, the map; checkpoints by hand here.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("mmap_size = 134217728");
  sqlite.pragma("wal_autocheckpoint = 0");
  for (const statement of setup) sqlite.exec(statement);
  const deferred = mergeEvery !== undefined;
  const insert = sqlite.prepare(
    `INSERT INTO task (id, user_id, title, description, completed, priority, due_at, completed_at, created_at, updated_at${deferred ? ", merged" : ""})
     VALUES (?, ?, 'Buy milk', NULL, 0, 'medium', NULL, NULL, ?, ?${deferred ? ", 0" : ""})`,
  );
  const merge = deferred ? sqlite.prepare("UPDATE task SET merged = 1 WHERE NOT merged") : undefined;
  const begin = sqlite.prepare("BEGIN IMMEDIATE");
  const commit = sqlite.prepare("COMMIT");
  const frames = (): number => (sqlite.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]?.log ?? 0;
  let writing = 0n;
  // The checkpoint's own CPU (user and kernel: reading the log, writing the file), not its wall
  // time, which is mostly the two syncs. The API's worker does this work on the same core.
  let checkpointing = 0;
  let written = 0;
  const merges: number[] = [];
  // The frames are counted by the checkpoint, which copies the whole log (nothing reads meanwhile),
  // so the next batch starts the log over, as after the API's checkpoints.
  frames();
  for (let b = 0; b < WARMUP + batches; b++) {
    const now = new Date(Date.now() + b).toISOString();
    const started = process.hrtime.bigint();
    begin.run();
    for (const user of ids) insert.run(uuidv7(), user, now, now);
    commit.run();
    const merging = process.hrtime.bigint();
    if (merge !== undefined && (b + 1) % (mergeEvery ?? 1) === 0) {
      begin.run();
      merge.run();
      commit.run();
      if (b >= WARMUP) merges.push(Number(process.hrtime.bigint() - merging) / 1e6);
    }
    const done = process.hrtime.bigint();
    if (b >= WARMUP) writing += done - started;
    if ((b + 1) % checkpointEvery !== 0) continue;
    const cpu = process.cpuUsage();
    const log = frames();
    const { user, system } = process.cpuUsage(cpu);
    if (b < WARMUP) continue;
    checkpointing += user + system;
    written += log;
  }
  sqlite.close();
  const writes = batches * ids.length;
  const us = (n: number) => (n / writes).toFixed(1);
  merges.sort((x, y) => x - y);
  const stall =
    merges.length === 0
      ? ""
      : `, a merge ${merges[merges.length >> 1]?.toFixed(1)} ms (median; longest ${merges.at(-1)?.toFixed(1)} ms)`;
  return `frames per create ${(written / writes).toFixed(2)}, inserts and commits ${us(Number(writing) / 1000)} µs/create, checkpoint ${us(checkpointing)} µs/create (CPU)${stall}`;
}
