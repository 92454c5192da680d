// The "Latency at a fixed rate" table of the report: the constant-rate runs (fixed-rate.ts).
import { keepUpNote } from "./constant-rate.ts";
import type { BenchResults, FixedRateFloor, FixedRateResult } from "./types.ts";

/** How the floor's rows (fixed-rate.ts) are named in the log, the table and the list's target. */
export const floorLabel = (f: FixedRateFloor) => `floor: bare node:http spending ${f.busyUs} µs per request`;

export const LATENCY_HEAD = [
  "#",
  "variant",
  "% of peak",
  "offered req/s",
  "achieved req/s",
  "p50 ms",
  "p99 ms",
  "p99.9 ms",
  "uncorr. p50",
  "uncorr. p99",
  "uncorr. p99.9",
  "samples",
  "errors",
  "gen CPU",
  "gen lag p99",
  "note",
];

export function latencyRows(r: BenchResults): string[][] {
  const f0 = (n: number) => Math.round(n).toLocaleString("en");
  const f2 = (n: number) => n.toFixed(2);
  const row = (scenario: string, label: string, p: FixedRateResult) => [
    scenario,
    label,
    `${(p.share * 100).toFixed(0)}%`,
    f0(p.offeredRps),
    f0(p.achievedRps),
    f2(p.corrected.p50Ms),
    f2(p.corrected.p99Ms),
    f2(p.corrected.p999Ms),
    f2(p.uncorrected.p50Ms),
    f2(p.uncorrected.p99Ms),
    f2(p.uncorrected.p999Ms),
    f0(p.samples),
    String(p.errors),
    `${p.generatorCpuPct.toFixed(0)}%`,
    f2(p.sendLag.p99Ms),
    keepUpNote(p) ?? "",
  ];
  return r.variants.flatMap((v) => {
    const floor = v.fixedRateFloor;
    return [
      ...(v.fixedRate ?? []).map((p) => row(String(v.scenario), v.label, p)),
      // Beside the variant it prices, at the same offered rates (the share is of the variant's peak).
      ...(floor === undefined
        ? []
        : floor.phases.map((p) => row("0", `${floorLabel(floor)} (${v.label}'s rates)`, p))),
    ];
  });
}

/** The markdown section, or nothing when no variant ran at a fixed rate. */
export function latencySection(
  r: BenchResults,
  table: (head: string[], rows: string[][]) => string,
): string[] {
  const rows = latencyRows(r);
  if (rows.length === 0) return [];
  const seconds = r.variants.flatMap((v) => v.fixedRate ?? [])[0]?.seconds ?? 0;
  return [
    "## Latency at a fixed rate",
    "",
    `An open-loop generator (bench/lib/constant-rate.ts, pinned to the load core) sends each request on a fixed schedule, ${r.settings.connections} keep-alive connections at most, at 50% and 80% of the variant's median peak above, for about ${seconds.toFixed(0)} s. Before the first rate the generator keeps every connection busy, closed-loop, for a second (its code compiled, the server warm); each rate then has an unrecorded lead-in, and its window opens only once no request is waiting for a connection, so a backlog left by the lead-in is not counted as latency at that rate (a note says when one never drained). The p50/p99/p99.9 columns are measured from each request's intended send time (corrected: what a user arriving at that rate sees, including any wait for a free connection); the uncorrected columns from when the request reached a socket (what a closed-loop client reports). The gap between them is the coordinated omission. The "floor" rows drive a bare node:http server with no Tandem code (bench:busy's) at the SQLite list's own rates, spinning on every request what the list cost per request at saturation beyond what bare node:http itself costs, so that it costs the server core what the list does and answers a list-sized body: what this machine and Node give any server of that cost at that rate, measured right after the list. The corrected figures include the generator's own lateness (timer granularity of about a millisecond, its garbage collection, preemption): "gen lag p99" is the p99 of how late it sent, so a corrected p99 close to it says more about the generator than the server. p99.9 needs a thousand samples to mean anything, and ten thousand to be stable: see the samples column.${r.settings.quick ? " **Quick run: 1 s per rate, so p99.9 rests on a handful of samples.**" : ""}`,
    "",
    table(LATENCY_HEAD, rows),
    "",
  ];
}
