// `npm run bench:trace -- [--route health|me|list|create] [--db sqlite|postgres] [--rate N]
// [--seconds 5] [--repeat 3] [--warm-up 1] [--node-args "--trace-gc"] [--busy-us 100]`: runs the
// constant-rate generator against one API with every request's timeline recorded, and says where
// the corrected tail's time went: the generator's own lateness, the wait in its agent for a
// connection, or the server. With --busy-us, each run is followed by one at the same rate against
// bench:busy's control (bare node:http spending that CPU per request, a list-sized body, no Tandem
// code): the tail this machine and Node give a route of that cost. A diagnostic for the fixed-rate
// phases (bench/README.md), not a measurement of record.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { argOption } from "./lib/args.ts";
import { runConstantRate } from "./lib/constant-rate.ts";
import { startDevStack } from "./lib/dev-stack.ts";
import type { LoadRequest } from "./lib/load.ts";
import { routeRequest } from "./lib/scenarios.ts";
import { type Running, startControl } from "./lib/servers.ts";
import type { Route } from "./lib/types.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => argOption(argv, name, fallback);
const route = option("--route", "health") as Route;
const rate = Number(option("--rate", "7000"));
const seconds = Number(option("--seconds", "5"));
const repeat = Number(option("--repeat", "3"));
const busyUs = option("--busy-us", "");

const stack = await startDevStack({
  label: "trace",
  db: option("--db", "sqlite") === "postgres" ? "postgres" : "sqlite",
  // e.g. --node-args --trace-gc: the API's log then says whether a slow moment was a collection.
  apis: () => [{ name: "api", nodeArgs: option("--node-args", "").split(" ").filter(Boolean) }],
});
const busyRequest: LoadRequest = { method: "GET", path: "/" };
let control: Running | undefined;
try {
  const api = stack.apis[0];
  if (!api) throw new Error("no API started");
  if (busyUs !== "") control = await startControl(stack.pinning, stack.workDir, "busy", { BUSY_US: busyUs });
  const targets = [
    { name: "api", server: api, request: routeRequest(route, stack.pool) },
    ...(control === undefined
      ? []
      : // The busy control answers any path.
        [{ name: `busy ${busyUs} µs`, server: control, request: () => Promise.resolve(busyRequest) }]),
  ];
  for (let i = 0; i < repeat; i++) {
    for (const target of targets) {
      const trace = join(stack.workDir, `trace-${target.name.replace(/\W+/g, "-")}-${i}.json`);
      const [phase] = await runConstantRate(
        {
          baseUrl: target.server.url,
          request: await target.request(),
          rates: [rate],
          warmUpSeconds: Number(option("--warm-up", "1")),
          leadInSeconds: 1,
          seconds,
          connections: 64,
          trace,
        },
        stack.pinning,
        stack.workDir,
      );
      if (!phase) continue;
      console.log(
        `run ${i + 1}, ${target.name}: window opened ${phase.settleSeconds.toFixed(2)} s after the lead-in (backlog ${phase.backlogAtStart}), ${phase.achievedRps.toFixed(0)} req/s, corrected p99 ${phase.corrected.p99Ms.toFixed(1)} max ${phase.corrected.maxMs.toFixed(1)}, uncorrected p99 ${phase.uncorrected.p99Ms.toFixed(1)} max ${phase.uncorrected.maxMs.toFixed(1)}, lag p99 ${phase.sendLag.p99Ms.toFixed(1)}, gen ${phase.generatorCpuPct.toFixed(0)}%`,
      );
      describe(JSON.parse(readFileSync(trace, "utf8")) as number[][]);
      console.log(`  trace: ${trace}`);
    }
  }
} finally {
  await control?.server.stop();
  await stack.stop();
}

/** The slowest recorded requests' timelines, with the agent's state at their call. */
function describe(all: number[][]) {
  // [due, callLag, busy, free, queued, socket, socketLag, total, ok, rate, recorded]
  const rows = all.filter((r) => r[10] === 1);
  const slow = [...rows].sort((a, b) => (b[7] ?? 0) - (a[7] ?? 0)).slice(0, 5);
  for (const r of slow) {
    const at = (i: number) => r[i] ?? 0;
    const [due, callLag, busy, free, queued, socket, socketLag, total] = [0, 1, 2, 3, 4, 5, 6, 7].map(at) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    console.log(
      `  due ${due.toFixed(1)} ms: called +${callLag.toFixed(1)}, socket #${socket} +${socketLag.toFixed(1)}, done +${total.toFixed(1)}; at the call ${busy} busy, ${free} free, ${queued} queued`,
    );
  }
  const waited = rows.filter((r) => (r[4] ?? 0) > 0).length;
  console.log(`  ${rows.length} recorded requests, ${waited} called while others waited for a connection`);
}
