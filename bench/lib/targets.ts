// The performance targets (bench/README.md), checked against one run's medians (reported, never asserted).
import { keepUpNote } from "./constant-rate.ts";
import { floorLabel } from "./report-latency.ts";
import type { BenchResults, Db, Target, VariantResult } from "./types.ts";

export const dbName = (db: Db | null) =>
  db === "sqlite" ? "SQLite" : db === "postgres" ? "PostgreSQL" : "no database";

/** The databases the variants ran on (the control runs on none). */
export function databasesOf(variants: VariantResult[]): Db[] {
  return [...new Set(variants.flatMap((x) => (x.db === null ? [] : [x.db])))];
}

/**
 * `a ÷ b` in each round (both ran once per round, so round i of each saw the same stretch of the
 * machine's load), for the spread behind a ratio of medians.
 */
function roundRatios(a: VariantResult, b: VariantResult, digits: number): string {
  const n = Math.min(a.runs.length, b.runs.length);
  if (n < 2) return "";
  const each = Array.from({ length: n }, (_, i) => {
    const den = b.runs[i]?.rps ?? 0;
    return den > 0 ? ((a.runs[i]?.rps ?? 0) / den).toFixed(digits) : "–";
  });
  return `; rounds: ${each.join(", ")}`;
}

export function computeTargets(r: Omit<BenchResults, "targets">): Target[] {
  const targets: Target[] = [];
  const v = r.variants;
  const get = (f: (x: VariantResult) => boolean) => v.find(f);
  const dbs = databasesOf(v);

  for (const db of dbs) {
    const ts = get((x) => x.db === db && x.backend === "ts" && x.scenario === 1 && x.route === "list");
    const py = get((x) => x.db === db && x.backend === "fastapi" && x.route === "list");
    const name = `Authenticated list: TS ≥ 10× FastAPI (${dbName(db)})`;
    if (!ts || !py || py.median.rps === 0) {
      targets.push({ name, goal: "≥ 10×", measured: "FastAPI not measured", met: null });
    } else {
      const ratio = ts.median.rps / py.median.rps;
      targets.push({
        name,
        goal: "≥ 10×",
        measured: `${ratio.toFixed(1)}× (${Math.round(ts.median.rps)} vs ${Math.round(py.median.rps)} req/s${roundRatios(ts, py, 1)})`,
        met: ratio >= 10,
        ...(ratio < 10 ? { detail: `short by ${((10 / ratio - 1) * 100).toFixed(0)}%` } : {}),
      });
    }
  }
  for (const db of dbs) {
    const me = get((x) => x.db === db && x.backend === "ts" && x.scenario === 1 && x.route === "me");
    const health = get((x) => x.db === db && x.backend === "ts" && x.scenario === 1 && x.route === "health");
    if (!me || !health) continue;
    const ratio = me.median.rps / health.median.rps;
    targets.push({
      name: `Auth overhead: /api/me ÷ /health (${dbName(db)}, default settings)`,
      goal: "≥ 0.6",
      measured: `${ratio.toFixed(2)} (${Math.round(me.median.rps)} vs ${Math.round(health.median.rps)} req/s${roundRatios(me, health, 2)})`,
      met: ratio >= 0.6,
      ...(ratio < 0.6 ? { detail: `short by ${((0.6 - ratio) * 100).toFixed(0)} points` } : {}),
    });
  }
  const tsSqlite = (route: VariantResult["route"]) =>
    get((x) => x.db === "sqlite" && x.backend === "ts" && x.scenario === 1 && x.route === route);
  const health = tsSqlite("health");
  const hono = get((x) => x.id === "control-hono");
  const honoName = "Tandem /health ÷ bare Hono /health (SQLite)";
  if (health && hono && hono.median.rps > 0) {
    const ratio = health.median.rps / hono.median.rps;
    targets.push({
      name: honoName,
      goal: "≥ 0.7",
      measured: `${ratio.toFixed(2)} (${Math.round(health.median.rps)} vs ${Math.round(hono.median.rps)} req/s${roundRatios(health, hono, 2)})`,
      met: ratio >= 0.7,
      ...(ratio < 0.7 ? { detail: `short by ${((0.7 - ratio) * 100).toFixed(0)} points` } : {}),
    });
  } else targets.push({ name: honoName, goal: "≥ 0.7", measured: "not measured", met: null });
  const list = tsSqlite("list");
  const create = tsSqlite("create");
  if (list && create && list.median.rps > 0) {
    const ratio = create.median.rps / list.median.rps;
    targets.push({
      name: "Create ÷ list throughput (SQLite)",
      goal: "≥ 0.6",
      measured: `${ratio.toFixed(2)} (${Math.round(create.median.rps)} vs ${Math.round(list.median.rps)} req/s${roundRatios(create, list, 2)})`,
      met: ratio >= 0.6,
      ...(ratio < 0.6 ? { detail: `short by ${((0.6 - ratio) * 100).toFixed(0)} points` } : {}),
    });
  }
  for (const [route, label] of [
    ["create", "create"],
    ["toggle", "toggle (PATCH …/complete)"],
  ] as const) {
    const writes = tsSqlite(route);
    if (!writes) continue;
    const p99 = writes.median.p99Ms;
    targets.push({
      name: `p99 of ${label} on SQLite, 64 connections`,
      goal: "≤ 50 ms",
      measured: `${p99.toFixed(1)} ms (rounds: ${writes.runs.map((r) => r.p99Ms.toFixed(1)).join(", ")})`,
      met: p99 <= 50,
      ...(p99 > 50 ? { detail: `over by ${(p99 - 50).toFixed(1)} ms` } : {}),
    });
  }
  const half = list?.fixedRate?.find((p) => p.share === 0.5);
  const halfName = "List p99 at 50% of peak, constant rate, corrected (SQLite)";
  if (half) {
    const p99 = half.corrected.p99Ms;
    const note = keepUpNote(half);
    // The floor: a server with no Tandem code at the list's cost per request, at the same rate.
    const floor = list?.fixedRateFloor;
    const floorHalf = floor?.phases.find((p) => p.share === 0.5);
    const detail = [
      p99 > 10 ? `over by ${(p99 - 10).toFixed(1)} ms` : "",
      `uncorrected ${half.uncorrected.p99Ms.toFixed(1)} ms`,
      floor && floorHalf
        ? `${floorLabel(floor)} at the same rate: p99 ${floorHalf.corrected.p99Ms.toFixed(1)} ms${floorHalf.corrected.p99Ms > 10 ? ", over the goal with no Tandem code" : ""}`
        : "",
      note ?? "",
    ].filter(Boolean);
    targets.push({
      name: halfName,
      goal: "≤ 10 ms",
      measured: `${p99.toFixed(1)} ms at ${Math.round(half.offeredRps)} req/s (p99.9 ${half.corrected.p999Ms.toFixed(1)} ms)`,
      // A generator that fell short did not offer the load the target is about.
      met: note === null ? p99 <= 10 : null,
      detail: detail.join("; "),
    });
  } else targets.push({ name: halfName, goal: "≤ 10 ms", measured: "not measured", met: null });
  if (list) {
    const p99 = list.median.p99Ms;
    // The control says how much of a tail the machine itself adds to any server in this run.
    const control = get((x) => x.id === "control");
    const detail = [
      p99 >= 25 ? `over by ${(p99 - 25).toFixed(1)} ms` : "",
      control ? `the bare node:http control on the same core: p99 ${control.median.p99Ms.toFixed(1)} ms` : "",
    ].filter(Boolean);
    targets.push({
      name: "p99 of the authenticated list on SQLite, 64 connections",
      goal: "< 25 ms",
      measured: `${p99.toFixed(1)} ms (rounds: ${list.runs.map((r) => r.p99Ms.toFixed(1)).join(", ")})`,
      met: p99 < 25,
      ...(detail.length > 0 ? { detail: detail.join("; ") } : {}),
    });
  }
  const sizes = [...new Set(v.filter((x) => x.scenario === 4).map((x) => x.size ?? 0))].sort((a, b) => a - b);
  const small = sizes[0];
  const large = sizes.at(-1);
  if (small !== undefined && large !== undefined && large !== small) {
    for (const db of dbs) {
      for (const route of ["scale-first", "scale-deep"] as const) {
        const a = get((x) => x.db === db && x.route === route && x.size === small);
        const b = get((x) => x.db === db && x.route === route && x.size === large);
        if (!a || !b) continue;
        const ratio = b.median.p50Ms / a.median.p50Ms;
        targets.push({
          name: `List p50 at ${large.toLocaleString("en")} ÷ at ${small.toLocaleString("en")} tasks, ${route === "scale-first" ? "first page" : "deep cursor"} (${dbName(db)})`,
          goal: "≤ 1.5×",
          measured: `${ratio.toFixed(2)}× (${b.median.p50Ms.toFixed(2)} vs ${a.median.p50Ms.toFixed(2)} ms)`,
          met: ratio <= 1.5,
        });
      }
    }
  }
  const js = r.web.firstLoadJs;
  const jsName = "/tasks first-load JS, gzipped";
  if (js) {
    const kb = js.gzipBytes / 1000;
    const baseJs = r.web.baseline?.firstLoadJs;
    const detail = [
      kb > 120 ? `over by ${(kb - 120).toFixed(1)} kB` : "",
      baseJs ? `baseline ${(baseJs.gzipBytes / 1000).toFixed(1)} kB` : "",
    ].filter(Boolean);
    targets.push({
      name: jsName,
      goal: "≤ 120 kB",
      measured: `${kb.toFixed(1)} kB (${js.files.length} files)`,
      met: kb <= 120,
      ...(detail.length > 0 ? { detail: detail.join("; ") } : {}),
    });
  } else targets.push({ name: jsName, goal: "≤ 120 kB", measured: "not measured", met: null });
  // Only with --baseline: the ratio needs the ref's web app, timed in the same run.
  const baseline = r.web.baseline;
  if (baseline) {
    const name = `Sign-in → list visible ÷ baseline (median of ${r.settings.signInSamples})`;
    const now = r.web.signIn;
    const before = baseline.signIn;
    if (now && before && before.medianMs > 0) {
      const ratio = now.medianMs / before.medianMs;
      targets.push({
        name,
        goal: "≤ 0.75×",
        measured: `${ratio.toFixed(2)}× (${now.medianMs.toFixed(0)} vs ${before.medianMs.toFixed(0)} ms, baseline ${baseline.commit})`,
        met: ratio <= 0.75,
        ...(ratio > 0.75 ? { detail: `over by ${((ratio - 0.75) * 100).toFixed(0)} points` } : {}),
      });
    } else targets.push({ name, goal: "≤ 0.75×", measured: "not measured", met: null });
  }
  return targets;
}
