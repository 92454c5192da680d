// `npm run bench:compare -- <bundle> [<bundle>…] [--db sqlite|postgres] [--routes health,me,list,create]
// [--seconds 5] [--rounds 3] [--env JSON] [--threads]`: a quick A/B while working on one change. Starts the web app
// (for real tokens), the bare Hono control and one API process per bundle (e.g. a copy of
// apps/api/dist/main.js taken before the change, and the current build) on one database, then runs
// every route against each, rotated, and prints median req/s and p99 per bundle with its ratio to the
// control. A route written `list+create` is a mixed load: its parts run at once, the 64 connections
// shared among them, each part reported on its own line; its CPU per request is the server's over
// all the parts' requests. `--threads` also samples each API's event-loop thread and says how long it
// was blocked in the kernel (bench/lib/thread-states.ts). Not a measurement of record: `npm run bench`
// (with --baseline) is.
import { copyFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { startDevStack } from "./lib/dev-stack.ts";
import { argOption } from "./lib/args.ts";
import { runLoad } from "./lib/load.ts";
import { routeRequest } from "./lib/scenarios.ts";
import { type Running, startControl } from "./lib/servers.ts";
import { describeThreadStates, sampleThreadStates } from "./lib/thread-states.ts";
import type { Route } from "./lib/types.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => argOption(argv, name, fallback);
const flagged = new Set(
  ["--db", "--routes", "--seconds", "--rounds", "--env"].flatMap((n) => [n, option(n, "")]),
);
const bundles = argv.filter((a) => !flagged.has(a) && a !== "--threads").map((b) => resolve(b));
if (bundles.length === 0) throw new Error("name at least one API bundle (e.g. apps/api/dist/main.js)");
const db = option("--db", "sqlite");
/** Each entry is one route, or several joined by `+` that run at once. */
const routes = option("--routes", "health,me,list,create")
  .split(",")
  .map((entry) => entry.split("+") as Route[]);
const seconds = Number(option("--seconds", "5"));
const rounds = Number(option("--rounds", "3"));
const extraEnv = JSON.parse(option("--env", "{}")) as Record<string, string>;
const sampleThreads = argv.includes("--threads");

const stack = await startDevStack({
  label: "compare",
  db: db === "postgres" ? "postgres" : "sqlite",
  // Each bundle runs from apps/api/dist so its externals resolve as the real one's do (copied after
  // the build, so apps/api/dist/main.js is the current code).
  apis: () =>
    bundles.map((bundle, i) => {
      const copy = resolve("apps/api/dist", `compare-${i}.js`);
      if (copy !== bundle) copyFileSync(bundle, copy);
      return { name: `api-${i}`, bundle: copy, env: extraEnv };
    }),
});
const { pinning, workDir, pool } = stack;
let control: Running | undefined;
try {
  control = await startControl(pinning, workDir, "hono");
  const apis = stack.apis.map((server, i) => ({ name: `${i}:${basename(bundles[i] ?? "")}`, server }));
  const targets = [
    { name: "control", server: control, routes: [["health" as Route]] },
    ...apis.map((a) => ({ ...a, routes })),
  ];
  const samples = new Map<string, { rps: number; p99: number; cpuUs: number }[]>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      for (const mix of target.routes) {
        const requests = await Promise.all(mix.map((route) => routeRequest(route, pool)()));
        const common = {
          baseUrl: target.server.url,
          connections: Math.floor(64 / mix.length),
          pinning,
          serverPid: target.server.server.pid,
          workDir,
          postgres: db === "postgres",
        };
        const load = (durationSeconds: number) =>
          Promise.all(requests.map((request) => runLoad({ ...common, request, durationSeconds })));
        if (round === 0) await load(1);
        const sampler =
          sampleThreads && target !== targets[0] ? sampleThreadStates(target.server.server.pid) : undefined;
        const results = await load(seconds);
        const states = sampler?.stop();
        // The parts ran over the same seconds, so each measured the same server CPU.
        const allRps = results.reduce((sum, r) => sum + r.rps, 0);
        results.forEach((r, i) => {
          const route =
            mix.length === 1 ? mix[i] : `${mix[i]} (with ${mix.filter((_, j) => j !== i).join("+")})`;
          const key = `${target.name} ${route}`;
          samples.set(key, [
            ...(samples.get(key) ?? []),
            { rps: r.rps, p99: r.p99Ms, cpuUs: ((r.serverCpuPct / 100) * 1e6) / allRps },
          ]);
          console.error(
            `[round ${round + 1}] ${key}: ${r.rps.toFixed(0)} req/s p99 ${r.p99Ms.toFixed(1)} ms p50 ${r.p50Ms.toFixed(1)} max ${r.maxMs.toFixed(0)} ms errors ${r.errors} server CPU ${r.serverCpuPct.toFixed(0)}%`,
          );
        });
        if (states) console.error(`  ${describeThreadStates(states)}`);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const controlRps = median((samples.get("control health") ?? []).map((s) => s.rps));
  for (const [key, s] of samples) {
    const rps = median(s.map((x) => x.rps));
    console.log(
      `${key.padEnd(40)} ${rps.toFixed(0).padStart(7)} req/s  p99 ${median(s.map((x) => x.p99))
        .toFixed(1)
        .padStart(
          7,
        )} ms  ÷control ${(rps / controlRps).toFixed(2)}  server CPU ${median(s.map((x) => x.cpuUs)).toFixed(1)} µs/request`,
    );
  }
} finally {
  await control?.server.stop();
  await stack.stop();
}
