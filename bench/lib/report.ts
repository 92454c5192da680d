// The outputs: a table on stdout, results/<stamp>.json, a markdown report and its SVG chart; a
// full run also refreshes results/latest.* and the latest-run section of bench/README.md.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChart } from "./chart.ts";
import { LATENCY_HEAD, latencyRows, latencySection } from "./report-latency.ts";
import { threadSection } from "./report-threads.ts";
import { webSection } from "./report-web.ts";
import { BIN, RESULTS_DIR, ROOT } from "./paths.ts";
import { computeTargets, databasesOf } from "./targets.ts";
import { median } from "./web.ts";
import type { BenchResults, Target, VariantResult } from "./types.ts";

const f0 = (n: number) => Math.round(n).toLocaleString("en");
const f2 = (n: number) => n.toFixed(2);
const verdict = (t: Target) => (t.met === null ? "not measured" : t.met ? "met" : "MISSED");

function variantRows(variants: VariantResult[]): string[][] {
  return variants.map((v) => [
    String(v.scenario),
    v.label,
    f0(v.median.rps),
    f2(v.median.p50Ms),
    f2(v.median.p99Ms),
    `${v.median.serverCpuPct.toFixed(0)}%`,
    v.median.postgresCpuPct === undefined ? "" : `${v.median.postgresCpuPct.toFixed(0)}%`,
    `${v.median.loadCpuPct.toFixed(0)}%`,
    `${v.median.otherCpuPct.toFixed(0)}%`,
    v.median.interruptPct === undefined ? "" : `${v.median.interruptPct.toFixed(0)}%`,
    String(v.median.errors),
  ]);
}
const VARIANT_HEAD = [
  "#",
  "variant",
  "req/s",
  "p50 ms",
  "p99 ms",
  "server CPU",
  "PG CPU",
  "load-gen CPU",
  "other CPU",
  "IRQ CPU",
  "errors",
];

function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

function ratio(r: BenchResults, a: (v: VariantResult) => boolean, b: (v: VariantResult) => boolean): string {
  const x = r.variants.find(a);
  const y = r.variants.find(b);
  return x && y && y.median.rps > 0 ? `${(x.median.rps / y.median.rps).toFixed(2)}×` : "–";
}

function authRows(r: BenchResults): string[][] {
  return databasesOf(r.variants).map((db) => {
    const mode = (m: string) => (v: VariantResult) => v.db === db && v.scenario === 3 && v.mode === m;
    const def = (v: VariantResult) =>
      v.db === db && v.backend === "ts" && v.scenario === 1 && v.route === "me";
    const rps = (f: (v: VariantResult) => boolean) => f0(r.variants.find(f)?.median.rps ?? 0);
    return [
      db,
      rps(mode("verify")),
      rps(mode("db-session")),
      rps(def),
      ratio(r, def, mode("verify")),
      ratio(r, def, mode("db-session")),
    ];
  });
}

function listCacheRows(r: BenchResults): string[][] {
  return databasesOf(r.variants).map((db) => {
    const on = (v: VariantResult) =>
      v.db === db && v.backend === "ts" && v.scenario === 1 && v.route === "list";
    const off = (v: VariantResult) => v.db === db && v.scenario === 3 && v.mode === "no-list-cache";
    const rps = (f: (v: VariantResult) => boolean) => f0(r.variants.find(f)?.median.rps ?? 0);
    return [db, rps(on), rps(off), ratio(r, on, off)];
  });
}

function baselineRows(r: BenchResults): string[][] {
  return r.variants
    .filter((v) => v.backend === "baseline")
    .map((b) => {
      const now = r.variants.find(
        (v) => v.backend === "ts" && v.scenario === 1 && v.db === b.db && v.route === b.route,
      );
      return [
        b.label.replace(/^baseline /, ""),
        f0(b.median.rps),
        f0(now?.median.rps ?? 0),
        now ? `${(now.median.rps / b.median.rps).toFixed(2)}×` : "–",
      ];
    });
}

export function renderMarkdown(r: BenchResults, chartFile: string): string {
  const s = r.settings;
  const out: string[] = [
    `# Tandem benchmark — ${r.finishedAt.slice(0, 16).replace("T", " ")} UTC${s.quick ? " (quick smoke run: not representative)" : s.custom ? " (custom run)" : ""}`,
    "",
  ];
  if (r.warnings.length > 0) out.push("> **Warnings**", ...r.warnings.map((w) => `> - **${w}**`), "");
  out.push(
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, ${r.machine.os}; Node ${r.machine.node}; ${r.machine.postgres ?? "no PostgreSQL"}; Python ${r.machine.python ?? "absent"}; ${r.machine.wrk}. Pinning: ${r.machine.pinning}. ${loadNote(r)}`,
    "",
    `Settings: ${s.connections} connections, ${s.durationSeconds} s per run after a ${s.warmupSeconds} s warm-up, ${s.reps} interleaved round(s), medians reported; ${s.users} users × ${s.tasksPerUser} tasks with ${s.users} distinct tokens rotated per request; scale users with ${s.scaleSizes.map((n) => n.toLocaleString("en")).join(", ")} tasks. The API's per-user quota is raised out of reach (API_QUOTA_REQUESTS=999999999) so it still runs but never refuses; everything else is at its default, including request logging at info. The saturation latencies (Every variant) are wrk's, which corrects for coordinated omission: a response slower than twice the mean interval adds synthetic samples for the requests a fixed-rate client would have sent meanwhile, so a few slow first responses on the 64 fresh connections of each run raise the p99 far beyond their own count. Latency at a given load is the fixed-rate table's.`,
    "",
    `![Benchmark chart](${chartFile})`,
    "",
    "## Targets",
    "",
    markdownTable(
      ["target", "goal", "measured", "verdict"],
      r.targets.map((t) => [t.name, t.goal, t.measured + (t.detail ? ` — ${t.detail}` : ""), verdict(t)]),
    ),
    "",
    "## Every variant",
    "",
    "Scenarios: 0 controls on the server core (a bare node:http server: the tail this machine adds to any server; a bare Hono app on @hono/node-server: the framework alone), 1 TypeScript API, 2 FastAPI backend, 3 auth modes (and the list with its cache off, decision 029), 4 scale (on the API with the list cache off: the statement's plan, not the cache). CPU is % of one core over the run (PG CPU: every PostgreSQL process; other CPU: every process that is neither the server, the load generator nor PostgreSQL — work competing with the run; IRQ CPU: the kernel's interrupt work, mostly the run's own loopback traffic; where it interrupted no process of the run, an idle core say, other CPU counts it too).",
    "",
    markdownTable(VARIANT_HEAD, variantRows(r.variants)),
    "",
    ...latencySection(r, markdownTable),
    ...threadSection(r, markdownTable),
    "## Authentication modes (GET /api/me, req/s)",
    "",
    "`verify`: Ed25519 signature checked on every request (AUTH_TOKEN_CACHE=off; session check cached 5 s). `db-session`: the session looked up in the database on every request (AUTH_REVOCATION_CHECK_SECONDS=0; signature verified once per token) — the per-request cost of a database-session design. `default`: Tandem's default (verified-token cache, session check cached 5 s).",
    "",
    markdownTable(
      ["database", "verify", "db-session", "default", "default ÷ verify", "default ÷ db-session"],
      authRows(r),
    ),
    "",
    "## The list cache (GET /api/tasks?limit=20, req/s)",
    "",
    "`on`: Tandem's default, pages kept per user and query and checked against the user's list version on every request (decision 029). `off`: every page built from the list statement (API_LIST_CACHE_MB=0).",
    "",
    markdownTable(["database", "on", "off", "on ÷ off"], listCacheRows(r)),
    "",
  );
  const base = baselineRows(r);
  if (base.length > 0) {
    out.push(
      `## Before / after (baseline: \`${s.baselineRef}\`)`,
      "",
      "On SQLite the baseline API runs on its own copy of the seeded database, moved to the baseline's own schema (its writes go to that copy), unless the warnings say it shared; on PostgreSQL it shares the run's database.",
      "",
      markdownTable(["request", "baseline req/s", "now req/s", "now ÷ baseline"], base),
      "",
    );
  }
  if (r.plans.length > 0) {
    out.push("## Query plans of the list statement (the API's own SQL)", "");
    for (const p of r.plans)
      out.push(
        `**${p.db}, ${p.size.toLocaleString("en")} tasks, ${p.page} page**`,
        "",
        "```",
        p.plan,
        "```",
        "",
      );
  }
  out.push(...webSection(r, markdownTable));
  out.push(
    "Reproduce: `npm run bench` (full, ~30 min) or `npm run bench -- --quick` (smoke, < 2 min); `--baseline <git ref>` adds the API and the web app as built at that commit.",
    "",
  );
  return out.join("\n");
}

/**
 * How quiet the machine was: other processes' CPU and hypervisor steal during the runs (the load
 * average at the end counts the benchmark's own servers, so it cannot tell).
 */
function loadNote(r: BenchResults): string {
  const runs = r.variants.flatMap((v) => v.runs);
  const load = `Load average ${r.machine.loadAverage.start.toFixed(1)} before the servers started`;
  if (runs.length === 0) return `${load}.`;
  const other = median(runs.map((x) => x.otherCpuPct));
  const steal = median(runs.map((x) => x.stealPct));
  const worst = Math.max(0, ...runs.map((x) => x.otherCpuPct));
  // Not the load average: its 1-minute decay still counts whatever ran just before the benchmark.
  // Less the interrupt work where it was kept, "other" is a lower bound: busy means busy for certain.
  const busyOther = median(runs.map((x) => x.otherCpuPct - (x.interruptPct ?? 0)));
  const busy = busyOther > 10 || steal > 5;
  const irq = runs.flatMap((x) => (x.interruptPct === undefined ? [] : [x.interruptPct]));
  const interrupts =
    irq.length === 0
      ? ""
      : ` (including what of the kernel's interrupt work, mostly the runs' own network traffic, interrupted no process of the run; that work was a median of ${median(irq).toFixed(0)}% in all)`;
  return `${load}. During the runs, other processes used a median of ${other.toFixed(0)}% of a core (worst run ${worst.toFixed(0)}%)${interrupts} and hypervisor steal was ${steal.toFixed(1)}%${busy ? " — **the machine was busy with other work: these figures understate Tandem**" : ""}.`;
}

const README_BEGIN = "<!-- bench:begin -->";
const README_END = "<!-- bench:end -->";

function readmeSection(r: BenchResults): string {
  return [
    README_BEGIN,
    `Latest full run: ${r.finishedAt.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.pinning}); ` +
      `details, every variant and the query plans in [results/latest.md](results/latest.md). ${loadNote(r)}`,
    "",
    markdownTable(
      ["target", "goal", "measured", "verdict"],
      r.targets.map((t) => [t.name, t.goal, t.measured, verdict(t)]),
    ),
    "",
    "![Benchmark chart](results/latest.svg)",
    README_END,
  ].join("\n");
}

/** Prettier on what was written, so `npm run format:check` stays clean after a run. */
function formatMarkdown(files: string[], log: (line: string) => void): void {
  try {
    execFileSync(join(BIN, "prettier"), ["--write", "--log-level", "warn", ...files], {
      cwd: ROOT,
      stdio: "inherit",
    });
  } catch {
    log("prettier failed on the report; the files are written all the same");
  }
}

export function writeReport(
  partial: Omit<BenchResults, "targets">,
  log: (line: string) => void,
): BenchResults {
  const r: BenchResults = { ...partial, targets: computeTargets(partial) };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp =
    r.startedAt.replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z") +
    (r.settings.quick ? "-quick" : r.settings.custom ? "-custom" : "");
  const base = join(RESULTS_DIR, stamp);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${base}.svg`, renderChart(r));
  writeFileSync(`${base}.md`, renderMarkdown(r, `${stamp}.svg`));

  console.log(`\n${textTable(VARIANT_HEAD, variantRows(r.variants))}\n`);
  const latency = latencyRows(r);
  if (latency.length > 0) console.log(`Latency at a fixed rate\n${textTable(LATENCY_HEAD, latency)}\n`);
  console.log(
    textTable(
      ["", "target", "goal", "measured", "verdict"],
      r.targets.map((t) => ["", t.name, t.goal, t.measured, verdict(t)]),
    ),
  );
  for (const w of r.warnings) console.log(`\n!!! ${w}`);
  log(`wrote ${base}.{json,md,svg}`);

  if (!r.settings.quick && !r.settings.custom) {
    copyFileSync(`${base}.json`, join(RESULTS_DIR, "latest.json"));
    copyFileSync(`${base}.svg`, join(RESULTS_DIR, "latest.svg"));
    writeFileSync(join(RESULTS_DIR, "latest.md"), renderMarkdown(r, "latest.svg"));
    const readme = join(ROOT, "bench", "README.md");
    const text = existsSync(readme) ? readFileSync(readme, "utf8") : "";
    const start = text.indexOf(README_BEGIN);
    const end = text.indexOf(README_END);
    if (start >= 0 && end > start) {
      writeFileSync(readme, text.slice(0, start) + readmeSection(r) + text.slice(end + README_END.length));
      log("updated bench/results/latest.* and the latest-run section of bench/README.md");
    } else log("bench/README.md has no bench markers; wrote bench/results/latest.* only");
  }
  formatMarkdown(
    [
      `${base}.md`,
      ...(r.settings.quick || r.settings.custom
        ? []
        : [join(RESULTS_DIR, "latest.md"), join(ROOT, "bench", "README.md")]),
    ],
    log,
  );
  return r;
}
