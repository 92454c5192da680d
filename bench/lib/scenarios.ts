// The load scenarios as a flat list of variants, run interleaved: every repetition runs every
// variant once (in a rotated order), so a slow minute on a shared machine hits all of them alike.
import { type LoadRequest, type LoadResult, type MainThreadTime, runLoad } from "./load.ts";
import { cpuSeconds, type Pinning } from "./proc.ts";
import type { TokenPool } from "./seed.ts";
import type { ControlKind, Running } from "./servers.ts";
import type { Stack } from "./stack.ts";
import type { AuthMode, Backend, Db, Route, Scenario, Settings, Summary, VariantResult } from "./types.ts";
import { median } from "./web.ts";
import { sampleThreadStates } from "./thread-states.ts";

export interface Variant {
  id: string;
  scenario: Scenario;
  label: string;
  backend: Backend;
  db: Db | null;
  route: Route;
  mode?: AuthMode;
  size?: number;
  server: Running;
  request(): Promise<LoadRequest>;
}

/** Requests of scenarios 1–3, rotating the pool's tokens. */
export function routeRequest(route: Route, pool: TokenPool): () => Promise<LoadRequest> {
  switch (route) {
    case "health":
      return () => Promise.resolve({ method: "GET", path: "/health" });
    case "me":
      return async () => ({ method: "GET", path: "/api/me", tokens: await pool.fresh() });
    case "list":
      return async () => ({ method: "GET", path: "/api/tasks?limit=20", tokens: await pool.fresh() });
    case "create":
      return async () => ({
        method: "POST",
        path: "/api/tasks",
        body: JSON.stringify({ title: "Benchmark task", priority: "high" }),
        tokens: await pool.fresh(),
      });
    case "toggle":
      return async () => ({
        method: "PATCH",
        path: "/api/tasks/{task}/complete",
        tokens: await pool.fresh(),
      });
    default:
      throw new Error(`${route} needs a scale user`);
  }
}

/**
 * The controls, run interleaved with everything else on the server core. The bare node:http
 * server's p99 is what this machine does to any server; the bare Hono app's throughput is the
 * ceiling the framework leaves Tandem's /health.
 */
export function controlVariant(server: Running, kind: ControlKind = "http"): Variant {
  const hono = kind === "hono";
  return {
    id: hono ? "control-hono" : "control",
    scenario: 0,
    label: hono ? "control: bare Hono GET /health" : "control: bare node:http GET /",
    backend: "control",
    db: null,
    route: "health",
    server,
    request: () => Promise.resolve({ method: "GET", path: hono ? "/health" : "/" }),
  };
}

/** Every variant that runs on one database: scenarios 1–4 (and the --baseline build). */
export function variantsOf(stack: Stack): Variant[] {
  const out: Variant[] = [];
  const routes: Route[] = ["health", "me", "list", "create", "toggle"];
  const add = (v: Omit<Variant, "id">) =>
    out.push({ ...v, id: `${v.backend}-${v.db}-${v.mode ?? ""}-${v.route}-${v.size ?? ""}` });
  for (const route of routes) {
    add({
      scenario: 1,
      backend: "ts",
      db: stack.db,
      route,
      server: stack.ts,
      label: `TS ${stack.db} ${ROUTE_LABELS[route]}`,
      request: routeRequest(route, stack.pool),
    });
    if (stack.fastapi) {
      add({
        scenario: 2,
        backend: "fastapi",
        db: stack.db,
        route,
        server: stack.fastapi,
        label: `FastAPI ${stack.db} ${ROUTE_LABELS[route]}`,
        request: routeRequest(route, stack.pool),
      });
    }
    if (stack.baseline) {
      add({
        scenario: 1,
        backend: "baseline",
        db: stack.db,
        route,
        server: stack.baseline,
        label: `baseline ${stack.db} ${ROUTE_LABELS[route]}`,
        request: routeRequest(route, stack.pool),
      });
    }
  }
  for (const mode of ["verify", "db-session"] as const) {
    const server = stack.modes[mode];
    if (server) {
      add({
        scenario: 3,
        backend: "ts",
        db: stack.db,
        route: "me",
        mode,
        server,
        label: `TS ${stack.db} auth=${mode} GET /api/me`,
        request: routeRequest("me", stack.pool),
      });
    }
  }
  const uncached = stack.modes["no-list-cache"];
  if (uncached) {
    add({
      scenario: 3,
      backend: "ts",
      db: stack.db,
      route: "list",
      mode: "no-list-cache",
      server: uncached,
      label: `TS ${stack.db} list cache off ${ROUTE_LABELS.list}`,
      request: routeRequest("list", stack.pool),
    });
  }
  // The statement's plan at scale, not the cache: on the server with the list cache off.
  for (const s of stack.scale) {
    const first = async () => ({
      method: "GET" as const,
      path: "/api/tasks?limit=20",
      tokens: await s.pool.fresh(),
    });
    const deep = async () => ({
      method: "GET" as const,
      path: `/api/tasks?limit=20&cursor=${s.deepCursor}`,
      tokens: await s.pool.fresh(),
    });
    add({
      scenario: 4,
      backend: "ts",
      db: stack.db,
      route: "scale-first",
      size: s.size,
      server: uncached ?? stack.ts,
      label: `TS ${stack.db} ${s.size} tasks, first page`,
      request: first,
    });
    add({
      scenario: 4,
      backend: "ts",
      db: stack.db,
      route: "scale-deep",
      size: s.size,
      server: uncached ?? stack.ts,
      label: `TS ${stack.db} ${s.size} tasks, deep cursor`,
      request: deep,
    });
  }
  return out;
}

export const ROUTE_LABELS: Record<Route, string> = {
  health: "GET /health",
  me: "GET /api/me",
  list: "GET /api/tasks?limit=20",
  create: "POST /api/tasks",
  toggle: "PATCH /api/tasks/:id/complete",
  "scale-first": "list, first page",
  "scale-deep": "list, deep cursor",
};

export interface RunOptions {
  settings: Settings;
  pinning: Pinning;
  workDir: string;
  log: (line: string) => void;
}

async function once(
  variant: Variant,
  seconds: number,
  options: RunOptions,
  measured = false,
): Promise<LoadResult> {
  // A round that falls short of its core is explained by where the event loop's thread waited.
  const pid = variant.server.server.pid;
  const sampler = measured ? sampleThreadStates(pid, 2) : undefined;
  const mainBefore = cpuSeconds(pid, pid);
  const started = performance.now();
  const result = await runLoad({
    baseUrl: variant.server.url,
    request: await variant.request(),
    durationSeconds: seconds,
    connections: options.settings.connections,
    pinning: options.pinning,
    serverPid: variant.server.server.pid,
    workDir: options.workDir,
    postgres: variant.db === "postgres",
  });
  const states = sampler?.stop();
  const mainAfter = cpuSeconds(pid, pid);
  if (states === undefined || states.samples === 0 || mainBefore === null || mainAfter === null)
    return result;
  const wallSeconds = (performance.now() - started) / 1000;
  const share = (n: number) => (100 * n) / states.samples;
  const mainThread: MainThreadTime = {
    cpuPct: (100 * (mainAfter - mainBefore)) / wallSeconds,
    blockedPct: share(states.blocked),
    longestBlockedMs: Math.max(0, ...states.intervals.map((i) => i.ms)),
    blockedIn: blockedIn(states.intervals, wallSeconds),
    asleepPct: share(states.sleeping),
    asleepIn: states.sleepingIn.slice(0, 3).map((s) => `${s.where} ${share(s.samples).toFixed(0)}%`),
    runQueuePct: states.runQueueMs === null ? null : states.runQueueMs / (10 * wallSeconds),
  };
  return { ...result, mainThread };
}

/** The kernel functions the thread was blocked in longest, summed over the round. */
function blockedIn(intervals: { ms: number; where: string }[], wallSeconds: number): string[] {
  const total = new Map<string, number>();
  for (const i of intervals) total.set(i.where, (total.get(i.where) ?? 0) + i.ms);
  return [...total]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([where, ms]) => `${where} ${(ms / (10 * wallSeconds)).toFixed(1)}%`);
}

/** The event-loop thread's waits, for the round's log line. */
function describeMainThread(t: MainThreadTime | undefined): string {
  if (t === undefined) return "";
  const queue = t.runQueuePct === null ? "" : ` queued ${t.runQueuePct.toFixed(0)}%`;
  const where = t.blockedIn?.length ? `; ${t.blockedIn.join(", ")}` : "";
  return `  event loop: CPU ${t.cpuPct.toFixed(0)}% D ${t.blockedPct.toFixed(0)}% (longest ${t.longestBlockedMs.toFixed(0)} ms${where}) S ${t.asleepPct.toFixed(0)}% [${t.asleepIn.join(", ")}]${queue}`;
}

function summarise(runs: LoadResult[]): Summary {
  const pick = (f: (r: LoadResult) => number) => median(runs.map(f));
  const pg = runs.map((r) => r.postgresCpuPct).filter((v): v is number => v !== undefined);
  const interrupts = runs.map((r) => r.interruptPct).filter((v): v is number => v !== undefined);
  return {
    rps: pick((r) => r.rps),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    loadCpuPct: pick((r) => r.loadCpuPct),
    serverCpuPct: pick((r) => r.serverCpuPct),
    ...(pg.length > 0 ? { postgresCpuPct: median(pg) } : {}),
    otherCpuPct: pick((r) => r.otherCpuPct),
    ...(interrupts.length > 0 ? { interruptPct: median(interrupts) } : {}),
    stealPct: pick((r) => r.stealPct),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

/** One unmeasured warm-up per variant (JIT, caches, pools; whole seconds, 0 = none), then `reps` interleaved rounds. */
export async function runVariants(variants: Variant[], options: RunOptions): Promise<VariantResult[]> {
  const { settings, log } = options;
  const runs = new Map<string, LoadResult[]>(variants.map((v) => [v.id, []]));
  if (settings.warmupSeconds > 0) {
    log(`warm-up: ${variants.length} variants × ${settings.warmupSeconds} s`);
    for (const variant of variants) await once(variant, settings.warmupSeconds, options);
  }
  for (let rep = 0; rep < settings.reps; rep++) {
    // Rotate the order by a different offset each round so no variant always runs first or last.
    const offset = Math.floor((rep * variants.length) / settings.reps);
    const order = [...variants.slice(offset), ...variants.slice(0, offset)];
    log(`round ${rep + 1}/${settings.reps}: ${order.length} variants × ${settings.durationSeconds} s`);
    for (const variant of order) {
      const result = await once(variant, settings.durationSeconds, options, true);
      runs.get(variant.id)?.push(result);
      log(
        `  ${variant.label.padEnd(52)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  load ${result.loadCpuPct.toFixed(0)}%  server ${result.serverCpuPct.toFixed(0)}%  other ${result.otherCpuPct.toFixed(0)}%  irq ${(result.interruptPct ?? 0).toFixed(0)}%${result.errors ? `  ERRORS ${result.errors}` : ""}${describeMainThread(result.mainThread)}`,
      );
    }
  }
  return variants.map((v) => {
    const r = runs.get(v.id) ?? [];
    return {
      id: v.id,
      scenario: v.scenario,
      label: v.label,
      backend: v.backend,
      db: v.db,
      route: v.route,
      ...(v.mode === undefined ? {} : { mode: v.mode }),
      ...(v.size === undefined ? {} : { size: v.size }),
      runs: r,
      median: summarise(r),
    };
  });
}
