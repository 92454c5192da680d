// `npm run bench [-- --quick] [--baseline <git ref>]`: builds, starts every service on loopback,
// seeds, drives load with wrk, and writes bench/results/<timestamp>.{json,md,svg}. A full run also
// refreshes bench/results/latest.* and the latest-run section of bench/README.md.
// Development aids: --duration/--warmup/--reps <n> and --filter <regex on variant labels>; a run
// using any of them is not written to latest.* or bench/README.md. --render <results.json> rewrites an
// earlier run's report (after a change to the report code; the measurements are not touched).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildApi, buildWeb } from "@tandem/stack";
import { buildBaseline } from "./lib/baseline.ts";
import { buildBaselineWeb } from "./lib/baseline-web.ts";
import { describeMachine } from "./lib/machine.ts";
import { runFixedRate } from "./lib/fixed-rate.ts";
import { FASTAPI_ROOT, ROOT } from "./lib/paths.ts";
import { choosePinning } from "./lib/proc.ts";
import { writeReport } from "./lib/report.ts";
import { controlVariant, runVariants, variantsOf } from "./lib/scenarios.ts";
import {
  type BenchDatabase,
  benchPostgresUrl,
  createPostgresDatabase,
  createSqliteDatabase,
  FIRST_TASK_TITLE,
  listPlan,
} from "./lib/seed.ts";
import { baseEnv, fastApiMissing, type Running, startControl } from "./lib/servers.ts";
import { startStack, type Stack, stopStack } from "./lib/stack.ts";
import type { BenchResults, Plan, Settings } from "./lib/types.ts";
import { firstLoadJs, signInTiming } from "./lib/web.ts";

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

function parseArgs(argv: string[]): Settings & { filter: RegExp | null } {
  const settings = defaults(argv.includes("--quick"), option(argv, "--baseline") ?? null);
  const number = (name: string) => {
    const raw = option(argv, name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`${name} takes a whole number`);
    return Number(raw);
  };
  const filter = option(argv, "--filter");
  return {
    ...settings,
    durationSeconds: number("--duration") ?? settings.durationSeconds,
    warmupSeconds: number("--warmup") ?? settings.warmupSeconds,
    reps: number("--reps") ?? settings.reps,
    // A development aid: only variants whose label matches (the JSON records that it was used).
    filter: filter === undefined ? null : new RegExp(filter, "i"),
    custom: ["--duration", "--warmup", "--reps", "--filter"].some((name) => argv.includes(name)),
  };
}

function defaults(quick: boolean, baselineRef: string | null): Settings {
  return quick
    ? {
        quick,
        durationSeconds: 1,
        warmupSeconds: 0,
        reps: 1,
        connections: 64,
        // A smoke check: fewer sign-ups (each is a scrypt hash) and no 100k-task user.
        users: 20,
        tasksPerUser: 50,
        scaleSizes: [1_000, 10_000],
        signInSamples: 1,
        baselineRef,
        custom: false,
      }
    : {
        quick,
        durationSeconds: 10,
        warmupSeconds: 3,
        reps: 3,
        connections: 64,
        users: 100,
        tasksPerUser: 50,
        scaleSizes: [1_000, 10_000, 100_000],
        signInSamples: 5,
        baselineRef,
        custom: false,
      };
}

const log = (line: string) => console.log(`[bench] ${line}`);

/** `--render <results.json>`: the report of an earlier run, rewritten by the current report code. */
function render(file: string) {
  const { targets: _recomputed, ...results } = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  writeReport(results, log);
}

async function main() {
  const rendered = option(process.argv.slice(2), "--render");
  if (rendered !== undefined) return render(rendered);
  const { filter, ...settings } = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const startLoad = loadavg()[0] ?? 0;
  const warnings: string[] = [];
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary throws ENOENT.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("wrk is not installed: apt-get install wrk (CI's .ci/run does it)");
    }
  }
  const pinning = choosePinning();
  log(`${settings.quick ? "quick" : "full"} run; ${pinning.note}`);

  await buildApi(baseEnv());
  await buildWeb(baseEnv());
  const workDir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const logDir = join(workDir, "logs");
  mkdirSync(logDir);
  let baseline: { bundle: string; lastMigration: string } | null = null;
  let baselineWeb: { commit: string; webDir: string } | null = null;
  if (settings.baselineRef) {
    const built = await buildBaseline(settings.baselineRef, workDir);
    baseline = { bundle: built.bundle, lastMigration: built.lastMigration };
    baselineWeb = await buildBaselineWeb(settings.baselineRef, baseEnv(), log);
    // The report names the commit: a branch such as main moves, and may already hold the change.
    settings.baselineRef = `${settings.baselineRef} (${built.commit})`;
  }

  const missing = fastApiMissing();
  if (missing) warnings.push(`FastAPI backend ABSENT — scenario 2 was NOT run: ${missing}`);
  else if (FASTAPI_ROOT !== ROOT) {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: FASTAPI_ROOT,
      encoding: "utf8",
    }).trim();
    warnings.push(
      `the FastAPI backend came from another checkout: ${FASTAPI_ROOT} at ${commit} (BENCH_FASTAPI_ROOT)`,
    );
  }

  const databases: BenchDatabase[] = [];
  const stacks: Stack[] = [];
  const controls: Running[] = [];
  let ok = false;
  try {
    controls.push(await startControl(pinning, logDir, "http"));
    controls.push(await startControl(pinning, logDir, "hono"));
    databases.push(await createSqliteDatabase(workDir));
    try {
      databases.push(await createPostgresDatabase(benchPostgresUrl()));
    } catch (error) {
      warnings.push(`PostgreSQL ABSENT — every PostgreSQL variant was NOT run: ${(error as Error).message}`);
    }
    for (const database of databases) {
      const stack = await startStack({
        database,
        settings,
        pinning,
        logDir,
        withFastApi: missing === null,
        baseline,
        // The web scenario runs on SQLite only.
        baselineWebDir: database.dialect === "sqlite" ? (baselineWeb?.webDir ?? null) : null,
        log,
      });
      stacks.push(stack);
      if (database.dialect === "sqlite" && stack.baselineShares !== undefined) {
        warnings.push(`the baseline API shared the SQLite database: ${stack.baselineShares}`);
      }
    }

    const [httpControl, honoControl] = controls as [Running, Running];
    const variants = [
      controlVariant(httpControl, "http"),
      controlVariant(honoControl, "hono"),
      ...stacks.flatMap(variantsOf),
    ].filter((v) => filter === null || filter.test(v.label));
    if (filter !== null) warnings.push(`only the variants matching --filter ${filter.source} were run`);
    const results = await runVariants(variants, { settings, pinning, workDir, log });
    for (const v of results) {
      if (v.median.errors > 0)
        warnings.push(`${v.label}: ${v.median.errors} failed requests (non-2xx or socket errors)`);
      if (v.median.loadCpuPct > 90)
        warnings.push(
          `${v.label}: the load generator used ${v.median.loadCpuPct.toFixed(0)}% of its core — it may be the bottleneck`,
        );
    }
    warnings.push(...(await runFixedRate(variants, results, { settings, pinning, workDir, log })));

    const plans: Plan[] = [];
    for (const stack of stacks) {
      for (const s of stack.scale) {
        plans.push({
          db: stack.db,
          size: s.size,
          page: "first",
          plan: await listPlan(stack.database.handle, s.user.id),
        });
        plans.push({
          db: stack.db,
          size: s.size,
          page: "deep",
          plan: await listPlan(stack.database.handle, s.user.id, s.deepCursor),
        });
      }
    }

    const web: BenchResults["web"] = { firstLoadJs: null, signIn: null, errors: [] };
    const sqlite = stacks.find((s) => s.db === "sqlite");
    if (sqlite) {
      // Not a load variant: --filter does not apply, the web scenario always runs.
      const against = sqlite.baselineWeb ? " (and the baseline's, interleaved)" : "";
      log(`web: first-load JS of /tasks, and sign-in to task list in Chromium${against}`);
      const measure = async <T>(what: string, f: () => Promise<T>): Promise<T | null> => {
        try {
          return await f();
        } catch (error) {
          web.errors.push(`${what}: ${(error as Error).message.split("\n")[0]}`);
          return null;
        }
      };
      const cookie = sqlite.webUser.cookie;
      web.firstLoadJs = await measure("first-load JS", () => firstLoadJs(sqlite.web.url, cookie));
      const urls = [sqlite.web.url, ...(sqlite.baselineWeb ? [sqlite.baselineWeb.web.url] : [])];
      const timings = await measure("sign-in timing", () =>
        signInTiming(urls, sqlite.webUser, FIRST_TASK_TITLE, settings.signInSamples),
      );
      web.signIn = timings?.[0] ?? null;
      if (sqlite.baselineWeb && baselineWeb) {
        const { url } = sqlite.baselineWeb.web;
        const { webDir } = baselineWeb;
        web.baseline = {
          commit: baselineWeb.commit,
          firstLoadJs: await measure("baseline first-load JS", () => firstLoadJs(url, cookie, webDir)),
          signIn: timings?.[1] ?? null,
        };
      }
      const medians = [web.signIn, web.baseline?.signIn].map((t) =>
        t ? `${t.medianMs.toFixed(0)} ms` : "–",
      );
      log(`web: sign-in → list median ${medians[0]}${web.baseline ? `, baseline ${medians[1]}` : ""}`);
      for (const e of web.errors) warnings.push(`web scenario: ${e}`);
    }

    const report: Omit<BenchResults, "targets"> = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings,
      machine: await describeMachine(
        pinning,
        databases.find((d) => d.dialect === "postgres")?.handle,
        startLoad,
      ),
      warnings,
      variants: results,
      plans,
      web,
    };
    writeReport(report, log);
    ok = true;
  } finally {
    await Promise.all([...stacks.map(stopStack), ...controls.map((c) => c.server.stop())]);
    for (const database of databases) await database.drop().catch(() => {});
    if (ok && !process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true });
    else log(`logs kept in ${logDir}`);
    if (baseline && existsSync(baseline.bundle)) rmSync(baseline.bundle, { force: true });
  }
}

// Ctrl-C: exit through process.exit so the servers' process groups are killed (proc.ts).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(
      `[bench] ${signal}: stopping (a PostgreSQL database named tandem_bench_* may be left behind)`,
    );
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
