// The open-loop load generator's own process (started by constant-rate.ts under taskset on the
// load core, as wrk is): request i is due at start + i/rate whether or not earlier ones have been
// answered, so a stall in the server shows up as latency instead of as requests never sent.
// Input: the path of a JSON file holding a ConstantRateJob. Output: one CONSTANT_RATE_JSON line.
import { Agent, request as httpRequest, type RequestOptions } from "node:http";
import { readFileSync } from "node:fs";
import type { ConstantRateJob, ConstantRatePhase, Percentiles } from "./constant-rate.ts";

const job = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as ConstantRateJob;
const url = new URL(job.baseUrl);
// One request per connection at a time, as wrk: a busy pool queues the rest in the agent, and that
// wait counts in the corrected latency (a user's request would wait the same way). fifo: every
// connection stays in use, as wrk's do, so none idles into the server's keep-alive timeout.
const agent = new Agent({
  keepAlive: true,
  maxSockets: job.connections,
  maxFreeSockets: job.connections,
  scheduling: "fifo",
});

interface Shape {
  path: string;
  headers: Record<string, string>;
}

// Built once, like request.lua's strings: tokens rotated per request, {task} replaced by each
// token's own task.
const shapes: Shape[] = (job.request.tokens ?? [null]).map((t) => ({
  path: t === null ? job.request.path : job.request.path.replace("{task}", t.taskId),
  headers: {
    Host: url.host,
    ...(t === null ? {} : { Authorization: `Bearer ${t.token}` }),
    ...(job.request.body === undefined ? {} : { "Content-Type": "application/json" }),
  },
}));
let next = Math.floor(Math.random() * shapes.length);

function percentiles(samples: Float64Array, count: number): Percentiles {
  const sorted = samples.subarray(0, count).sort();
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  const at = (q: number) => (count === 0 ? 0 : (sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? 0));
  return {
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    p999Ms: at(0.999),
    maxMs: count === 0 ? 0 : (sorted[count - 1] ?? 0),
  };
}

/** One phase: `leadIn` unrecorded seconds (the generator compiled, the rate settled), then `seconds` recorded. */
function phase(rate: number, leadIn: number, seconds: number): Promise<ConstantRatePhase> {
  const total = Math.round(rate * (leadIn + seconds));
  const firstRecorded = Math.round(rate * leadIn);
  const recorded = total - firstRecorded;
  const corrected = new Float64Array(recorded);
  const uncorrected = new Float64Array(recorded);
  let done = 0;
  let samples = 0;
  let sent = 0;
  const lag = new Float64Array(recorded);
  let settled = false;
  let cpuStart: NodeJS.CpuUsage | null = null;
  let windowStart = 0;
  const start = performance.now() + 20;
  const interval = 1000 / rate;

  return new Promise((resolve) => {
    let finish: ReturnType<typeof setTimeout> | null = null;
    const settle = () => {
      if (settled) return;
      settled = true;
      if (finish) clearTimeout(finish);
      const wall = (performance.now() - windowStart) / 1000;
      const cpu = process.cpuUsage(cpuStart ?? undefined);
      resolve({
        offeredRps: rate,
        achievedRps: wall > 0 ? samples / wall : 0,
        seconds: wall,
        samples,
        // Failed, or unanswered 10 s after the last send.
        errors: recorded - samples,
        corrected: percentiles(corrected, samples),
        uncorrected: percentiles(uncorrected, samples),
        generatorCpuPct: wall > 0 ? (100 * (cpu.user + cpu.system)) / 1e6 / wall : 0,
        sendLag: percentiles(lag, Math.max(0, sent - firstRecorded)),
      });
    };
    const completed = (index: number, due: number, sentAt: number, ok: boolean) => {
      done++;
      if (ok && index >= firstRecorded && !settled) {
        const now = performance.now();
        corrected[samples] = now - due;
        uncorrected[samples] = now - sentAt;
        samples++;
      }
      if (done === total) settle();
    };
    const send = (index: number, due: number) => {
      const shape = shapes[next++ % shapes.length] as Shape;
      let sentAt = performance.now();
      // A response error and a request error can both fire for one request: count it once.
      let over = false;
      const end = (ok: boolean) => {
        if (over) return;
        over = true;
        completed(index, due, sentAt, ok);
      };
      const req = httpRequest(optionsFor(shape), (res) => {
        res.resume();
        const ok = (res.statusCode ?? 0) < 400;
        res.once("end", () => end(ok));
        res.once("error", () => end(false));
      });
      // The agent hands over a socket when one is free: from then on the request is on the wire,
      // which is where a closed-loop client such as wrk starts its clock.
      req.once("socket", () => (sentAt = performance.now()));
      req.once("timeout", () => req.destroy());
      req.once("error", () => end(false));
      req.end(job.request.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        if (sent === firstRecorded) {
          cpuStart = process.cpuUsage();
          windowStart = due;
        }
        // How late the generator itself is: a busy generator shows up here, not as server latency.
        if (sent >= firstRecorded) lag[sent - firstRecorded] = now - due;
        send(sent, due);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - now)));
      // Whatever has not answered 10 s after the last send counts as an error, as wrk's timeout.
      else finish = setTimeout(settle, 10_000);
    };
    setTimeout(tick, 20);
  });
}

/** One request of the job's shape over the shared keep-alive agent. */
function optionsFor(shape: Shape): RequestOptions {
  return {
    agent,
    host: url.hostname,
    port: url.port,
    method: job.request.method,
    path: shape.path,
    headers: shape.headers,
    timeout: 10_000,
  };
}

/** Opens every connection before the first phase, as wrk does: a connect is not what is measured. */
function openConnections(): Promise<void> {
  let open = job.connections;
  return new Promise((resolve) => {
    for (let i = 0; i < job.connections; i++) {
      const shape = shapes[next++ % shapes.length] as Shape;
      const req = httpRequest(optionsFor(shape), (res) => {
        res.resume();
        res.once("end", () => --open === 0 && resolve());
      });
      req.once("timeout", () => req.destroy());
      req.once("error", () => --open === 0 && resolve());
      req.end(job.request.body);
    }
  });
}

async function main() {
  await openConnections();
  const phases: ConstantRatePhase[] = [];
  for (const [i, rate] of job.rates.entries()) {
    // Later phases run on connections and code already warm: a short lead-in lets the new rate settle.
    phases.push(
      await phase(rate, i === 0 ? job.leadInSeconds : Math.min(0.25, job.leadInSeconds), job.seconds),
    );
  }
  process.stdout.write(`CONSTANT_RATE_JSON ${JSON.stringify(phases)}\n`);
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
