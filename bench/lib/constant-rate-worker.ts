// The open-loop load generator's own process (started by constant-rate.ts under taskset on the
// load core, as wrk is): request i is due at start + i/rate whether or not earlier ones have been
// answered, so a stall in the server shows up as latency instead of as requests never sent.
// Input: the path of a JSON file holding a ConstantRateJob. Output: one CONSTANT_RATE_JSON line.
import { Agent, request as httpRequest, type RequestOptions } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
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

/** Agent's own tallies: sockets with a request on them, idle sockets, requests waiting for one. */
function agentState(): [busy: number, free: number, queued: number] {
  const count = (table: NodeJS.ReadOnlyDict<unknown[]>) =>
    Object.values(table).reduce((n, list) => n + (list?.length ?? 0), 0);
  return [count(agent.sockets), count(agent.freeSockets), count(agent.requests)];
}

// With `trace` set, every request's timeline, the lead-in's flagged as unrecorded, goes to that file
// (bench:trace).
const traces: number[][] = [];
const socketIds = new WeakMap<object, number>();
let socketCount = 0;

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

// The recorded window opens once the agent has no request waiting for a connection: a backlog left
// by the lead-in (measured: a cold generator queued 870–2,200 requests in its first second at 7,000
// req/s) is not the server's latency at this rate, and draining it at 50% load took up to 0.6 s of
// the window. A server that cannot keep up never drains it: after this long the window opens anyway.
const MAX_SETTLE_SECONDS = 3;

/**
 * One phase: `leadIn` unrecorded seconds (the rate settled), more until the agent's queue is empty
 * (at most MAX_SETTLE_SECONDS), then `seconds` recorded.
 */
function phase(rate: number, leadIn: number, seconds: number): Promise<ConstantRatePhase> {
  const leadInCount = Math.round(rate * leadIn);
  const recorded = Math.round(rate * seconds);
  const lastChance = leadInCount + Math.round(rate * MAX_SETTLE_SECONDS);
  // Known once the window opens; until then, no index is recorded and `total` is an upper bound.
  let firstRecorded = Number.POSITIVE_INFINITY;
  let total = lastChance + recorded;
  let backlog = 0;
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
        settleSeconds: (firstRecorded - leadInCount) / rate,
        backlogAtStart: backlog,
      });
    };
    const completed = (index: number, due: number, sentAt: number, ok: boolean, trace: number[]) => {
      done++;
      const now = performance.now();
      if (!settled && job.trace !== undefined) {
        traces.push([...trace, sentAt - due, now - due, ok ? 1 : 0, rate, index >= firstRecorded ? 1 : 0]);
      }
      if (ok && index >= firstRecorded && !settled) {
        corrected[samples] = now - due;
        uncorrected[samples] = now - sentAt;
        samples++;
      }
      if (done === total) settle();
    };
    const send = (index: number, due: number) => {
      const shape = shapes[next++ % shapes.length] as Shape;
      let sentAt = performance.now();
      // due (ms since the phase's start), call lag, the agent's sockets busy/free/queued at the
      // call, which socket it got, and (added at the end) socket lag, total, ok, rate, recorded.
      const trace = job.trace === undefined ? [] : [due - start, sentAt - due, ...agentState(), -1];
      // A response error and a request error can both fire for one request: count it once.
      let over = false;
      const end = (ok: boolean) => {
        if (over) return;
        over = true;
        completed(index, due, sentAt, ok, trace);
      };
      const req = httpRequest(optionsFor(shape), (res) => {
        res.resume();
        const ok = (res.statusCode ?? 0) < 400;
        res.once("end", () => end(ok));
        res.once("error", () => end(false));
      });
      // The agent hands over a socket when one is free: from then on the request is on the wire,
      // which is where a closed-loop client such as wrk starts its clock.
      req.once("socket", (socket) => {
        sentAt = performance.now();
        if (trace.length === 0) return;
        if (!socketIds.has(socket)) socketIds.set(socket, socketCount++);
        trace[5] = socketIds.get(socket) ?? -1;
      });
      req.once("timeout", () => req.destroy());
      req.once("error", () => end(false));
      req.end(job.request.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        if (sent >= leadInCount && firstRecorded === Number.POSITIVE_INFINITY) {
          const [, , queued] = agentState();
          if (queued === 0 || sent >= lastChance) {
            firstRecorded = sent;
            total = sent + recorded;
            backlog = queued;
            cpuStart = process.cpuUsage();
            windowStart = due;
          }
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

/**
 * Opens every connection and keeps all of them busy, closed-loop as wrk, for `seconds`: the
 * generator's code is compiled and the server is warm before the first open-loop phase, and a
 * closed loop cannot build a backlog while they are not. A connect is not what is measured.
 */
function warmUp(seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  let open = job.connections;
  return new Promise((resolve) => {
    const loop = () => {
      if (performance.now() >= until) {
        if (--open === 0) resolve();
        return;
      }
      let over = false;
      const again = () => {
        if (over) return;
        over = true;
        loop();
      };
      const req = httpRequest(optionsFor(shapes[next++ % shapes.length] as Shape), (res) => {
        res.resume();
        res.once("end", again);
        res.once("error", again);
      });
      req.once("timeout", () => req.destroy());
      req.once("error", again);
      req.end(job.request.body);
    };
    for (let i = 0; i < job.connections; i++) loop();
  });
}

async function main() {
  await warmUp(job.warmUpSeconds);
  const phases: ConstantRatePhase[] = [];
  for (const [i, rate] of job.rates.entries()) {
    // Later phases run on connections and code already warm: a short lead-in lets the new rate settle.
    phases.push(
      await phase(rate, i === 0 ? job.leadInSeconds : Math.min(0.25, job.leadInSeconds), job.seconds),
    );
  }
  if (job.trace !== undefined) writeFileSync(job.trace, JSON.stringify(traces));
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
