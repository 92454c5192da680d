// `npm run bench:profile -- [route] [seconds] [sqlite|postgres]`: the API bundle under `node --cpu-prof`,
// driven by wrk on one route (me, list, create, toggle, health; default list), then the functions
// that took the most CPU. Writes the .cpuprofile (open it in Chrome DevTools) to bench/results/.
// PROFILE_NODE_ARGS="--flag …" adds node flags to the API (to try V8 settings); PROFILE_API_ENV (JSON) adds variables.
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startDevStack } from "./lib/dev-stack.ts";
import { runLoad } from "./lib/load.ts";
import { RESULTS_DIR } from "./lib/paths.ts";
import { routeRequest } from "./lib/scenarios.ts";
import type { Route } from "./lib/types.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function summarise(file: string, top = 30): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const name = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*\/apps\//, "apps/")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const walk = (n: ProfileNode, stack: Set<string>): number => {
    let sum = n.hitCount ?? 0;
    for (const c of n.children ?? []) {
      const child = byId.get(c);
      if (child) sum += walk(child, new Set([...stack, name(n)]));
    }
    const key = name(n);
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
    if (!stack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
    return sum;
  };
  const root = profile.nodes[0];
  if (root) walk(root, new Set());
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return `self time:\n${fmt(self)}\n\ninclusive time:\n${fmt(inclusive)}`;
}

const route = (process.argv[2] ?? "list") as Route;
const seconds = Number(process.argv[3] ?? 10);
const db = process.argv[4] === "postgres" ? "postgres" : "sqlite";
let profDir = "";
const stack = await startDevStack({
  label: "profile",
  db,
  apis: (workDir) => {
    profDir = join(workDir, "prof");
    mkdirSync(profDir);
    return [
      {
        name: "api",
        nodeArgs: [
          ...(process.env.PROFILE_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
          "--cpu-prof",
          `--cpu-prof-dir=${profDir}`,
        ],
        env: process.env.PROFILE_API_ENV
          ? (JSON.parse(process.env.PROFILE_API_ENV) as Record<string, string>)
          : {},
      },
    ];
  },
});
try {
  const [api] = stack.apis;
  if (api === undefined) throw new Error("the API did not start");
  const request = await routeRequest(route, stack.pool)();
  const common = {
    baseUrl: api.url,
    request,
    connections: 64,
    pinning: stack.pinning,
    serverPid: api.server.pid,
    workDir: stack.workDir,
    postgres: db === "postgres",
  };
  await runLoad({ ...common, durationSeconds: 2 });
  const result = await runLoad({ ...common, durationSeconds: seconds });
  console.log(
    `${route}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}, server CPU ${result.serverCpuPct.toFixed(0)}%, load-gen CPU ${result.loadCpuPct.toFixed(0)}%`,
  );
} finally {
  // The API writes its profile when it exits, so stop it before reading the folder.
  await stack.stop();
}
const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error("no profile written");
mkdirSync(RESULTS_DIR, { recursive: true });
const kept = join(RESULTS_DIR, `profile-${route}.cpuprofile`);
copyFileSync(join(profDir, file), kept);
console.log(summarise(kept));
console.log(`\nprofile: ${kept}`);
