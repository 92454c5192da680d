// An open-loop (constant-rate) load generator, for tail latency at a given load. wrk is closed-loop:
// each connection waits for its answer before sending again, so when the server stalls wrk stops
// sending, and the requests a user would have sent meanwhile are never timed (coordinated omission).
// Here request i is due at start + i/rate regardless; latency is recorded from that intended time
// (corrected: what a user sees) and from when the request reached a socket (uncorrected: what a
// closed-loop client reports). The generator runs in its own process on the load core, as wrk does
// (constant-rate-worker.ts), and reports its own CPU, so a generator that cannot keep up is visible.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, ROOT } from "./paths.ts";
import type { LoadRequest } from "./load.ts";
import { pinned, type Pinning } from "./proc.ts";

const WORKER = join(BENCH_DIR, "lib", "constant-rate-worker.ts");

export interface ConstantRateJob {
  baseUrl: string;
  request: LoadRequest;
  /** Offered rates, req/s, run one after the other on the same connections. */
  rates: number[];
  /**
   * Closed-loop seconds on every connection before the first phase (constant-rate-worker.ts's
   * warmUp): the generator's code compiled, the server warm.
   */
  warmUpSeconds: number;
  /**
   * Unrecorded open-loop seconds before the first phase's measured window (measured: with 0.3 s its
   * first phase's p99 was 2–10× the next one's; with 1 s they agree). Later phases get a quarter of
   * a second to settle at their new rate. Either way the window opens only once no request waits
   * for a connection (at most 3 s later).
   */
  leadInSeconds: number;
  seconds: number;
  /** The most requests in flight at once (a pool of keep-alive connections, as wrk's). */
  connections: number;
  /** A file for every recorded request's timeline (a diagnostic; the bench of record leaves it unset). */
  trace?: string;
}

export interface Percentiles {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface ConstantRatePhase {
  offeredRps: number;
  /** Successful responses in the measured window ÷ the time until the last of them. */
  achievedRps: number;
  seconds: number;
  /** Latencies recorded (successful responses in the measured window). */
  samples: number;
  /** Non-2xx/3xx, socket errors, and requests unanswered 10 s after the last send. */
  errors: number;
  /** From each request's intended send time: what a user arriving at that rate sees. */
  corrected: Percentiles;
  /** From when each request reached a socket: what a closed-loop client (wrk) would report. */
  uncorrected: Percentiles;
  /** CPU of one core the generator used in the measured window, 0–100 %. */
  generatorCpuPct: number;
  /**
   * How late the generator itself sent requests, ms after their due time (timer granularity, its
   * own GC, preemption). It is part of the corrected figures: a p99 here near theirs means the
   * generator, not the server, made that tail.
   */
  sendLag: Percentiles;
  /** Open-loop seconds after the lead-in before no request waited for a connection (the window opened). */
  settleSeconds: number;
  /** Requests still waiting for a connection when the window opened: 0 unless it never settled. */
  backlogAtStart: number;
}

let jobCounter = 0;

/** Runs the generator once for all `job.rates`, pinned to the load core. */
export async function runConstantRate(
  job: ConstantRateJob,
  pinning: Pinning,
  workDir: string,
): Promise<ConstantRatePhase[]> {
  const file = join(workDir, `constant-rate-${++jobCounter}.json`);
  writeFileSync(file, JSON.stringify(job));
  // tsx as a loader in the same process (not its CLI, which would add a parent process).
  const [command, args] = pinned(pinning.load, process.execPath, ["--import", "tsx", WORKER, file]);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`constant-rate generator failed (exit ${code}):\n${out}`)),
    );
  });
  const json = /CONSTANT_RATE_JSON (\[.*\])/.exec(output)?.[1];
  if (json === undefined) throw new Error(`constant-rate generator printed no result:\n${output}`);
  return JSON.parse(json) as ConstantRatePhase[];
}

/** Below this share of the offered rate, the phase did not offer the load it was meant to. */
const KEEPS_UP = 0.95;

/** Says so when the achieved rate fell short of the offered one, and the likelier cause. */
export function keepUpNote(p: ConstantRatePhase): string | null {
  if (p.backlogAtStart > 0) {
    return `${p.backlogAtStart} requests still waited for a connection ${p.settleSeconds.toFixed(1)} s after the lead-in (the server did not keep up with the offered rate)`;
  }
  if (p.achievedRps >= KEEPS_UP * p.offeredRps) return null;
  const cause =
    p.generatorCpuPct > 90
      ? "the generator used its whole core: it, not the server, is the limit"
      : "the server fell behind the offered rate";
  return `achieved < 95% of offered (${p.achievedRps.toFixed(0)} of ${p.offeredRps.toFixed(0)} req/s; ${cause})`;
}
