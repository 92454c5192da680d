import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * How often the worker copies the write-ahead log back into the database file. A pass copies each
 * page changed since the last once, however many commits changed it, and syncs twice: under a
 * steady stream of writes the same hot pages (each writer's index leaf) are in every commit, so
 * fewer passes copy and sync less (docs/decisions/034-cheaper-create.md).
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * The write-ahead log's size, in pages, past which the log is started over: 64 Ki pages of 4 KiB,
 * 256 MiB. Larger means fewer resets, each of which pauses the event loop for one short checkpoint.
 */
export const WAL_RESET_PAGES = 65_536;

/**
 * How long this process must have committed nothing before the worker empties the log file, less
 * than the minute after which a kernel that reclaims idle memory (DAMON's pageout) evicts its pages.
 */
export const IDLE_TRUNCATE_MS = 30_000;

// The worker's own code: a second connection that runs a PASSIVE checkpoint on a timer. PASSIVE
// never waits for (or blocks) the writer; it copies what it can and syncs the file. When the log
// has grown past its limit, the worker catches up until one pass is short, then asks the writer's
// thread for the one checkpoint only it can finish (see startBackgroundCheckpoints), and waits.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 0");
// With a write counter, a pass runs only when this process has committed since the last one: the
// log other processes' writes grow is theirs to checkpoint.
const writes = workerData.writes === undefined ? undefined : new Int32Array(workerData.writes);
let seen = -1;
const idle = () => {
  if (writes === undefined) return false;
  const now = Atomics.load(writes, 0);
  if (now === seen) return true;
  seen = now;
  return false;
};
const checkpoint = () => {
  try { return db.pragma("wal_checkpoint(PASSIVE)")[0].log; } catch { return 0; }
};
// Once idle for idleTruncateMs, the log is emptied (TRUNCATE), once per idle spell: the next burst
// of writes appends to a new file instead of rewriting pages the kernel may have evicted, each of
// which the writer would first have to read back from the disk. TRUNCATE holds the write lock while
// it copies and cuts, so it runs only when no process has written the log for as long either (the
// file's mtime): never in the middle of another process's writes. busy_timeout = 0: a writer or a
// reader in the way makes it return at once, and the next tick tries again.
const { statSync } = require("node:fs");
const logIdleMs = () => {
  try { return Date.now() - statSync(workerData.path + "-wal").mtimeMs; } catch { return 0; }
};
let idleSince = performance.now();
let emptied = false;
const emptyWhenIdle = () => {
  if (emptied) return;
  if (performance.now() - idleSince < workerData.idleTruncateMs) return;
  if (logIdleMs() < workerData.idleTruncateMs) return;
  try {
    const [result] = db.pragma("wal_checkpoint(TRUNCATE)");
    emptied = result.busy === 0;
  } catch {}
};
let timer;
const tick = () => {
  if (idle()) {
    emptyWhenIdle();
    timer = setTimeout(tick, workerData.intervalMs);
    return;
  }
  idleSince = performance.now();
  emptied = false;
  if (checkpoint() > workerData.resetPages) {
    for (let pass = 0; pass < 5; pass++) {
      const started = performance.now();
      checkpoint();
      if (performance.now() - started < 3) break;
    }
    parentPort.postMessage("reset");
    return;
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "continue") {
    timer = setTimeout(tick, workerData.intervalMs);
    return;
  }
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.postMessage("closed");
});
`;

export interface BackgroundCheckpoints {
  /** Runs a last checkpoint and closes the worker's connection. */
  stop(): Promise<void>;
}

export interface BackgroundCheckpointOptions {
  intervalMs?: number;
  /** The log's size, in pages, past which `onResetDue` is called. */
  resetPages?: number;
  /**
   * With `writes`: how long without a commit of this process before the worker empties the log
   * file (`wal_checkpoint(TRUNCATE)`), once per idle spell.
   */
  idleTruncateMs?: number;
  /**
   * Called on the writer's thread when the log should start over: run a PASSIVE checkpoint on the
   * writing connection. If it throws, the worker asks again after its next pass.
   */
  onResetDue: () => void;
  /** The worker cannot run: turn SQLite's own checkpoints back on. */
  onFailure: () => void;
  /**
   * A counter (on a SharedArrayBuffer) the writer bumps after each commit: the worker then skips
   * its pass when nothing was committed since the last. Without it, every interval has a pass.
   */
  writes?: Int32Array;
}

/**
 * Checkpoints the SQLite database at `path` from a worker thread, for a connection opened with
 * `wal_autocheckpoint = 0`. Why (docs/decisions/024-sqlite-writes.md): SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold, on the event loop, and syncs
 * the database file there; a request that happens to commit it waits for the disk, and so does
 * every request queued behind it. Durability does not change: a commit is in the write-ahead log
 * when it returns, and a checkpoint only moves it into the main file.
 *
 * The log only starts over from its beginning when a checkpoint has copied every frame in it and
 * nothing was committed meanwhile. Under a steady stream of writes the worker's checkpoints never
 * manage that, so the log would grow without bound (gigabytes in a minute of benchmark). Past
 * `resetPages`, the worker catches up and then has the writer's thread run one checkpoint, which
 * no commit can overtake: it copies the few frames written since and the next commit starts the
 * log over.
 *
 * With `writes`, a log that neither this process nor any other has written for `idleTruncateMs`
 * is emptied once by the worker (decision 024, fourth addendum). Its writer then appends after an
 * idle spell rather than rewrites log pages that may no longer be in memory; a writer that comes
 * back while the file is being cut waits for it within its busy timeout.
 */
export function startBackgroundCheckpoints(
  path: string,
  {
    intervalMs = CHECKPOINT_INTERVAL_MS,
    resetPages = WAL_RESET_PAGES,
    idleTruncateMs = IDLE_TRUNCATE_MS,
    onResetDue,
    onFailure,
    writes,
  }: BackgroundCheckpointOptions,
): BackgroundCheckpoints {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      intervalMs,
      resetPages,
      // Used only with a write counter: without one, no tick counts as idle (see idle()).
      idleTruncateMs,
      writes: writes?.buffer,
      module: createRequire(import.meta.url).resolve("better-sqlite3"),
    },
  });
  let stopped: Promise<void> | undefined;
  // A worker that cannot run (the file cannot be opened, the thread dies) must not leave the
  // log growing without bound: the caller turns SQLite's own checkpoints back on.
  const failed = () => {
    if (stopped === undefined) onFailure();
  };
  worker.on("error", failed);
  worker.on("exit", failed);
  worker.on("message", (message) => {
    if (message !== "reset" || stopped !== undefined) return;
    try {
      onResetDue();
    } catch {
      // Inside an open transaction the checkpoint fails (SQLITE_LOCKED): the worker asks again.
    }
    worker.postMessage("continue");
  });
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
        worker.on("message", (message) => {
          if (message === "closed") done();
        });
        worker.once("exit", done);
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
