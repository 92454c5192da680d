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
  return read(`${task}/wchan`)?.trim() || "(unknown)";
}

/** Samples the main thread of `pid` until `stop()`, which returns what it saw. */
export function sampleThreadStates(pid: number, intervalMs = 1): { stop(): ThreadStates } {
  const task = `/proc/${pid}/task/${pid}`;
  const started = performance.now();
  const result: ThreadStates = { samples: 0, blocked: 0, intervals: [] };
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
  return (
    `main thread blocked in the kernel ${states.intervals.length}× for ${total.toFixed(0)} ms ` +
    `(${states.blocked} of ${states.samples} samples)${top === "" ? "" : `; longest: ${top}`}`
  );
}
