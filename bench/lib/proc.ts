// Processes for the benchmark: CPU pinning, CPU time from /proc, and the tail of a server's log
// file. Starting and stopping the servers is @tandem/stack's (startService with a logFile).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** The cores the server under test and the load generator run on, when there are two or more. */
export interface Pinning {
  server: string | null;
  load: string | null;
  note: string;
}

export function choosePinning(): Pinning {
  const cores = availableParallelism();
  const hasTaskset = existsSync("/usr/bin/taskset");
  if (cores < 2 || !hasTaskset) {
    return {
      server: null,
      load: null,
      note: `not pinned (${cores} core(s), taskset ${hasTaskset ? "present" : "absent"})`,
    };
  }
  // Core 0 for the server under test, the last core for the load generator; everything else
  // (the web app, PostgreSQL, this harness) is left to the scheduler.
  const last = String(cores - 1);
  return { server: "0", load: last, note: `server on core 0, load generator on core ${last}` };
}

/** `command args` under `taskset -c core` when a core is given. */
export function pinned(core: string | null, command: string, args: string[]): [string, string[]] {
  return core === null ? [command, args] : ["/usr/bin/taskset", ["-c", core, command, ...args]];
}

/** The last lines of a log file, to say why a server did not come up. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Fields of /proc/<pid>/stat (or of thread `tid`'s, /proc/<pid>/task/<tid>/stat) after the command
 * name (which may contain spaces); the first is the scheduler state.
 */
export function statFields(pid: number | "self", tid?: number): string[] | null {
  try {
    const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const stat = readFileSync(path, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** User + system CPU seconds a live process (or its thread `tid`) has used (utime + stime), or null. */
export function cpuSeconds(pid: number, tid?: number): number | null {
  const f = statFields(pid, tid);
  if (!f) return null;
  // After "(comm)": state is field 3, utime 14, stime 15 → indexes 11 and 12 here.
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}

/** CPU seconds of every PostgreSQL process on this machine, by pid (its backends do the queries). */
export function postgresCpu(): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      seconds.set(Number(entry), (Number(f[11]) + Number(f[12])) / CLOCK_TICKS);
    } catch {
      // exited meanwhile
    }
  }
  return seconds;
}

/**
 * CPU PostgreSQL used between two snapshots. A backend that exited in between is not counted (its
 * last use is lost), so this can only under-count, never go negative.
 */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += Math.max(0, seconds - (before.get(pid) ?? 0));
  return total;
}

/**
 * Machine-wide CPU seconds since boot from /proc/stat: `busy` (user, nice, system, irq, softirq),
 * `interrupts` (irq and softirq alone: the kernel's interrupt work)
 * and `steal` (time the hypervisor gave this VM's cores to someone else), or null off Linux.
 */
export function machineCpu(): { busy: number; interrupts: number; steal: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq].reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const interrupts = (irq ?? 0) + (softirq ?? 0);
    return {
      busy: busy / CLOCK_TICKS,
      interrupts: interrupts / CLOCK_TICKS,
      steal: (steal ?? 0) / CLOCK_TICKS,
    };
  } catch {
    return null;
  }
}
