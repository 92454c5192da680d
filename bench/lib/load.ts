// Drives load with wrk (C, one thread pinned to its own core: far cheaper per request than a
// Node load generator such as autocannon, which would need a core of its own just to keep up).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./paths.ts";
import {
  CLOCK_TICKS,
  cpuSeconds,
  machineCpu,
  type Pinning,
  postgresCpu,
  postgresCpuBetween,
} from "./proc.ts";

const SCRIPT = join(BENCH_DIR, "wrk", "request.lua");

export interface LoadRequest {
  method: "GET" | "POST" | "PATCH";
  /** May contain `{task}`, replaced by each token's own task id. */
  path: string;
  body?: string;
  /** Rotated across requests; absent = no Authorization header. */
  tokens?: { token: string; taskId: string }[];
}

export interface LoadOptions {
  baseUrl: string;
  request: LoadRequest;
  durationSeconds: number;
  connections: number;
  pinning: Pinning;
  /** The server under test, for its CPU use. */
  serverPid: number;
  /** Where to write the tokens file. */
  workDir: string;
  /** Also measure PostgreSQL's CPU. */
  postgres: boolean;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  errors: number;
  /** CPU of one core used by the load generator, 0–100 % (near 100 % = it may be the bottleneck). */
  loadCpuPct: number;
  /** CPU of one core used by the server under test. */
  serverCpuPct: number;
  /** CPU used by all PostgreSQL processes, % of one core (PostgreSQL runs only). */
  postgresCpuPct?: number;
  /**
   * CPU used by every other process on the machine, % of one core: work that competed with the
   * run (idle services, other jobs). Near 0 on a quiet machine.
   */
  otherCpuPct: number;
  /**
   * The kernel's interrupt work (irq and softirq), % of one core: mostly the run's own loopback
   * traffic. Part of it may sit in `otherCpuPct` (see runLoad). Absent from runs recorded before it was kept.
   */
  interruptPct?: number;
  /** Time the hypervisor took this VM's cores away during the run, % of one core. */
  stealPct: number;
  /** Where the server's event-loop thread spent the time it was not running (measured rounds only). */
  mainThread?: MainThreadTime;
}

/** The server's event-loop thread over one round, from bench/lib/thread-states.ts. */
export interface MainThreadTime {
  /** CPU the event-loop thread itself used, % of one core (the process's other threads: V8's GC helpers, workers). */
  cpuPct: number;
  /** % of samples blocked in the kernel (state D: the disk, mostly). */
  blockedPct: number;
  /** The longest blocked stretch, ms. */
  longestBlockedMs: number;
  /** Where it was blocked longest in all (innermost kernel functions, with their share of the round). */
  blockedIn?: string[];
  /** % of samples asleep (state S), and the kernel functions it slept in most. */
  asleepPct: number;
  asleepIn: string[];
  /** Runnable but waiting for its core (another process or thread had it), % of the round. */
  runQueuePct: number | null;
}

let fileCounter = 0;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { request } = options;
  let tokensFile = "-";
  if (request.tokens) {
    tokensFile = join(options.workDir, `tokens-${++fileCounter}.txt`);
    writeFileSync(tokensFile, request.tokens.map((t) => `${t.token} ${t.taskId}\n`).join(""));
  }
  const url = new URL(options.baseUrl);
  const wrkArgs = [
    "-t1",
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    "--timeout",
    "10s",
    "-s",
    SCRIPT,
    options.baseUrl,
    "--",
    request.method,
    request.path,
    request.body ?? "-",
    tokensFile,
    url.host,
    String(options.connections),
  ];
  const wrk =
    options.pinning.load === null ? ["wrk"] : ["/usr/bin/taskset", "-c", options.pinning.load, "wrk"];
  // The shell waits for wrk, then prints its own /proc stat, whose cutime/cstime now hold wrk's CPU.
  const shell = `"$@"; code=$?; echo "CHILD_STAT $(cat /proc/$$/stat)"; exit $code`;

  const serverBefore = cpuSeconds(options.serverPid);
  const pgBefore = options.postgres ? postgresCpu() : null;
  const machineBefore = machineCpu();
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn("sh", ["-c", shell, "sh", ...wrk, ...wrkArgs], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrk failed (exit ${code}):\n${out}`)),
    );
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const serverAfter = cpuSeconds(options.serverPid);
  const pgAfter = pgBefore ? postgresCpuBetween(pgBefore, postgresCpu()) : 0;
  const machineAfter = machineCpu();

  const json = /WRK_JSON (\{.*\})/.exec(output)?.[1];
  if (json === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(json) as Record<string, number>;
  const n = (key: string) => r[key] ?? 0;
  const stat = /CHILD_STAT .*\) (.*)$/m.exec(output)?.[1]?.split(" ") ?? [];
  // After "(comm)": cutime and cstime are fields 16 and 17 → indexes 13 and 14.
  const loadCpu = (Number(stat[13] ?? 0) + Number(stat[14] ?? 0)) / CLOCK_TICKS;
  const duration = n("durationUs") / 1e6;
  const server = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : 0;
  // Everything the machine did beyond the server, the load generator and PostgreSQL (when they
  // are not in the run, PostgreSQL's few idle wake-ups count as "other"). With tick-based
  // accounting the kernel charges interrupt work both to its bucket and to whichever task it
  // interrupted, so "other" holds the part that interrupted no process of the run (an idle core,
  // ksoftirqd), and subtracting all of `interrupts` from it gives a lower bound, not the figure.
  const other =
    machineBefore && machineAfter ? machineAfter.busy - machineBefore.busy - server - loadCpu - pgAfter : 0;
  const interrupts = machineBefore && machineAfter ? machineAfter.interrupts - machineBefore.interrupts : 0;
  const steal = machineBefore && machineAfter ? machineAfter.steal - machineBefore.steal : 0;
  return {
    requests: n("requests"),
    rps: duration > 0 ? n("requests") / duration : 0,
    p50Ms: n("p50Us") / 1000,
    p90Ms: n("p90Us") / 1000,
    p99Ms: n("p99Us") / 1000,
    maxMs: n("maxUs") / 1000,
    errors: n("connectErrors") + n("readErrors") + n("writeErrors") + n("statusErrors") + n("timeouts"),
    loadCpuPct: (100 * loadCpu) / wallSeconds,
    serverCpuPct: (100 * server) / wallSeconds,
    ...(options.postgres ? { postgresCpuPct: (100 * pgAfter) / wallSeconds } : {}),
    // Clock-tick rounding of four separate readings can make a quiet machine's figure dip below 0.
    otherCpuPct: Math.max(0, (100 * other) / wallSeconds),
    interruptPct: Math.max(0, (100 * interrupts) / wallSeconds),
    stealPct: Math.max(0, (100 * steal) / wallSeconds),
  };
}
