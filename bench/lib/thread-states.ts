// Where a server's event-loop thread waits in the kernel: its scheduler state sampled from /proc
// every millisecond or so during a load run. A thread in state D (uninterruptible sleep) is
// waiting for the kernel, usually for the disk, and every request queued behind it waits too; a
// CPU profile shows none of it. Linux only. The kernel stack (/proc/…/stack) needs root; without
// it, wchan names the function the thread sleeps in.
import { readFileSync } from "node:fs";
import { statFields } from "./proc.ts";

export interface BlockedInterval {
  /** Since sampling started. */
  startMs: number;
  ms: number;
  /** The innermost kernel functions seen most in the interval. */
  where: string;
}

export interface ThreadStates {
  samples: number;
  /** Samples in state D. */
  blocked: number;
  intervals: BlockedInterval[];
  /** Samples in state S (asleep: waiting for work in epoll, or in a sleep, lock or futex). */
  sleeping: number;
  /** Where the thread slept, by kernel function (wchan), most seen first: at most five. */
  sleepingIn: { where: string; samples: number }[];
  /**
   * Milliseconds the thread was runnable but waiting for the core (another process or thread had
   * it), from /proc/…/schedstat; null where the kernel does not keep it.
   */
  runQueueMs: number | null;
}

/** The run-queue wait (ns) in /proc/<pid>/task/<tid>/schedstat: on CPU, waiting, timeslices. */
function runQueueNs(task: string): number | null {
  const fields = read(`${task}/schedstat`)?.trim().split(/\s+/);
  const waited = Number(fields?.[1]);
  return Number.isFinite(waited) ? waited : null;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function whereBlocked(task: string): string {
  const stack = read(`${task}/stack`);
  if (stack !== null && stack.trim() !== "") {
    return stack
      .trim()
      .split("\n")
      .slice(0, 3)
      .map((line) => (line.split(/\s+/)[1] ?? "").split("+")[0])
      .join(" < ");
  }
  // wchan reads 0 when the thread woke between the state and this read.
  const wchan = read(`${task}/wchan`)?.trim();
  return wchan && wchan !== "0" ? wchan : "(woke before it was read)";
}

/** Samples the main thread of `pid` until `stop()`, which returns what it saw. */
export function sampleThreadStates(pid: number, intervalMs = 1): { stop(): ThreadStates } {
  const task = `/proc/${pid}/task/${pid}`;
  const started = performance.now();
  const result: ThreadStates = {
    samples: 0,
    blocked: 0,
    intervals: [],
    sleeping: 0,
    sleepingIn: [],
    runQueueMs: null,
  };
  const sleepingIn = new Map<string, number>();
  const runQueueBefore = runQueueNs(task);
  let open: { start: number; seen: Map<string, number> } | null = null;
  const close = (now: number) => {
    if (open === null) return;
    const [where = "(unknown)"] = [...open.seen].sort((a, b) => b[1] - a[1])[0] ?? [];
    result.intervals.push({ startMs: open.start - started, ms: now - open.start, where });
    open = null;
  };
  const timer = setInterval(() => {
    const state = statFields(pid, pid)?.[0];
    if (state === undefined) return;
    const now = performance.now();
    result.samples++;
    if (state === "S") {
      result.sleeping++;
      // wchan reads 0 when the thread woke between the two reads: no place to name.
      const where = read(`${task}/wchan`)?.trim() ?? "0";
      if (where !== "0" && where !== "") sleepingIn.set(where, (sleepingIn.get(where) ?? 0) + 1);
    }
    if (state !== "D") {
      close(now);
      return;
    }
    result.blocked++;
    open ??= { start: now, seen: new Map() };
    const where = whereBlocked(task);
    open.seen.set(where, (open.seen.get(where) ?? 0) + 1);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      close(performance.now());
      const runQueueAfter = runQueueNs(task);
      if (runQueueBefore !== null && runQueueAfter !== null) {
        result.runQueueMs = (runQueueAfter - runQueueBefore) / 1e6;
      }
      result.sleepingIn = [...sleepingIn]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([where, samples]) => ({ where, samples }));
      return result;
    },
  };
}

/** One line: how often and how long the thread was blocked, and the longest intervals. */
export function describeThreadStates(states: ThreadStates, longest = 3): string {
  const total = states.intervals.reduce((sum, i) => sum + i.ms, 0);
  const top = [...states.intervals]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, longest)
    .map((i) => `${i.ms.toFixed(1)} ms in ${i.where}`)
    .join("; ");
  const pct = (n: number) => `${((100 * n) / Math.max(1, states.samples)).toFixed(0)}%`;
  const asleep = states.sleepingIn.map((s) => `${s.where} ${pct(s.samples)}`).join(", ");
  return (
    `main thread blocked in the kernel ${states.intervals.length}× for ${total.toFixed(0)} ms ` +
    `(${states.blocked} of ${states.samples} samples)${top === "" ? "" : `; longest: ${top}`}; ` +
    `asleep ${pct(states.sleeping)}${asleep === "" ? "" : ` (${asleep})`}; ` +
    `waiting for the core ${states.runQueueMs === null ? "unknown" : `${states.runQueueMs.toFixed(0)} ms`}`
  );
}
