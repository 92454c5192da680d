import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the worker copies the write-ahead log back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;

// The worker's own code: a second connection that runs a PASSIVE checkpoint on a timer. PASSIVE
// never waits for (or blocks) the writer; it copies what it can and syncs the file.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 0");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
  db.close();
  parentPort.postMessage("closed");
});
`;

export interface BackgroundCheckpoints {
  /** Runs a last checkpoint and closes the worker's connection. */
  stop(): Promise<void>;
}

/**
 * Checkpoints the SQLite database at `path` from a worker thread, for a connection opened with
 * `wal_autocheckpoint = 0`. Why (docs/decisions/024-sqlite-writes.md): SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold, on the event loop, and syncs
 * the database file there; a request that happens to commit it waits for the disk, and so does
 * every request queued behind it. Durability does not change: a commit is in the write-ahead log
 * when it returns, and a checkpoint only moves it into the main file.
 */
export function startBackgroundCheckpoints(
  path: string,
  { intervalMs = CHECKPOINT_INTERVAL_MS, onFailure }: { intervalMs?: number; onFailure: () => void },
): BackgroundCheckpoints {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, intervalMs, module: createRequire(import.meta.url).resolve("better-sqlite3") },
  });
  let stopped: Promise<void> | undefined;
  // A worker that cannot run (the file cannot be opened, the thread dies) must not leave the
  // log growing without bound: the caller turns SQLite's own checkpoints back on.
  const failed = () => {
    if (stopped === undefined) onFailure();
  };
  worker.on("error", failed);
  worker.on("exit", failed);
  worker.unref();
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.off("exit", failed);
        const done = () => {
          clearTimeout(timer);
          void worker.terminate().then(() => resolve());
        };
        const timer = setTimeout(done, 2_000);
        worker.once("message", done);
        worker.once("exit", done);
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
