// The "Where the event loop's time went" table of the report: for each saturation round, how the
// server's event-loop thread spent the round (bench/lib/thread-states.ts, scenarios.ts).
import type { BenchResults } from "./types.ts";

export const THREADS_HEAD = [
  "#",
  "variant",
  "round",
  "req/s",
  "process CPU",
  "event loop CPU",
  "waiting for the core",
  "in the kernel (D)",
  "longest D ms",
  "blocked in",
  "asleep (S)",
  "asleep in",
];

export function threadRows(r: BenchResults): string[][] {
  const pct = (n: number) => `${n.toFixed(0)}%`;
  return r.variants.flatMap((v) =>
    v.runs.flatMap((run, i) => {
      const t = run.mainThread;
      if (t === undefined) return [];
      return [
        [
          String(v.scenario),
          v.label,
          String(i + 1),
          Math.round(run.rps).toLocaleString("en"),
          pct(run.serverCpuPct),
          pct(t.cpuPct),
          t.runQueuePct === null ? "–" : pct(t.runQueuePct),
          pct(t.blockedPct),
          t.longestBlockedMs.toFixed(0),
          (t.blockedIn ?? []).join("; "),
          pct(t.asleepPct),
          // Runs before the sampler skipped it recorded wchan "0" (the thread had just woken).
          t.asleepIn.filter((where) => !where.startsWith("0 ")).join(", "),
        ],
      ];
    }),
  );
}

/** The markdown section, or nothing when no round was sampled. */
export function threadSection(
  r: BenchResults,
  table: (head: string[], rows: string[][]) => string,
): string[] {
  const rows = threadRows(r);
  if (rows.length === 0) return [];
  return [
    "## Where the event loop's time went (saturation rounds)",
    "",
    "The server's main thread, sampled from /proc every 2 ms during each round of Every variant. A server that is CPU-bound has its event loop near 100% of the core; what is missing went to one of these. *Process CPU* counts every thread of the server; the difference to *event loop CPU* is the process's other threads (V8's garbage-collection helpers, the SQLite checkpoint worker, libuv's pool), which share the pinned core with it. *Waiting for the core*: runnable but not running, because another thread or process had the core (/proc/…/schedstat). *In the kernel (D)*: blocked in an uninterruptible wait, the disk mostly; *asleep (S)*: waiting for work or in a sleep or lock, with the kernel functions it slept in most (`do_epoll_wait` is an idle event loop).",
    "",
    table(THREADS_HEAD, rows),
    "",
  ];
}
