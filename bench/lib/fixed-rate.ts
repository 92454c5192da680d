// Tail latency at a fixed offered rate: after the saturation rounds, the constant-rate generator
// drives chosen variants at 50% and 80% of their own median peak (decision 020).
import { type ConstantRatePhase, keepUpNote, runConstantRate } from "./constant-rate.ts";
import type { LoadRequest } from "./load.ts";
import type { Pinning } from "./proc.ts";
import type { Variant } from "./scenarios.ts";
import { floorLabel } from "./report-latency.ts";
import { startControl } from "./servers.ts";
import type { FixedRateFloor, FixedRateResult, Settings, VariantResult } from "./types.ts";

/** Shares of each variant's measured peak req/s. */
export const SHARES = [0.5, 0.8] as const;

/**
 * The variants #18 asks about: /health, the list and create of the TypeScript API on each
 * database, and the FastAPI list. Not the controls: half their peak (30,000+ req/s) is beyond what
 * a Node generator sends from one core. The rest would add minutes and answer no target.
 */
export function wantsFixedRate(v: Variant): boolean {
  if (v.scenario === 1 && v.backend === "ts") return ["health", "list", "create"].includes(v.route);
  return v.scenario === 2 && v.route === "list";
}

export interface FixedRateOptions {
  settings: Settings;
  pinning: Pinning;
  workDir: string;
  log: (line: string) => void;
}

/**
 * The variant whose latency target needs a floor beside it: the SQLite list, whose p99 at 50% of
 * peak has a goal (10 ms) that this machine's own pauses can exceed.
 */
export function wantsFloor(v: Variant): boolean {
  return v.scenario === 1 && v.backend === "ts" && v.db === "sqlite" && v.route === "list";
}

/** The server process's CPU per request at saturation, µs (all its threads, as the core sees it). */
const cpuPerRequestUs = (r: VariantResult) =>
  r.median.rps > 0 ? (r.median.serverCpuPct / 100 / r.median.rps) * 1e6 : 0;

/** Adds `fixedRate` (and for the list, `fixedRateFloor`) to the chosen results, in place; returns warnings. */
export async function runFixedRate(
  variants: Variant[],
  results: VariantResult[],
  options: FixedRateOptions,
): Promise<string[]> {
  const { settings, log } = options;
  const warnings: string[] = [];
  // 5 s gives ~10 samples beyond p99.9 at 2,000 req/s; a quick run only checks that it works.
  const seconds = settings.quick ? 1 : 5;
  const phasesAt = (baseUrl: string, request: LoadRequest, rates: number[]) =>
    runConstantRate(
      {
        baseUrl,
        request,
        rates,
        warmUpSeconds: 1,
        leadInSeconds: 1,
        seconds,
        connections: settings.connections,
      },
      options.pinning,
      options.workDir,
    );
  const report = (label: string, phases: FixedRateResult[]) => {
    for (const p of phases) {
      const pct = `${(p.share * 100).toFixed(0)}%`;
      log(
        `  ${label.padEnd(52)} ${pct.padStart(4)} ${p.offeredRps.toFixed(0).padStart(6)} → ${p.achievedRps.toFixed(0).padStart(6)} req/s  p50 ${p.corrected.p50Ms.toFixed(2)}  p99 ${p.corrected.p99Ms.toFixed(2)}  p99.9 ${p.corrected.p999Ms.toFixed(2)} ms (uncorrected p99 ${p.uncorrected.p99Ms.toFixed(2)})  gen ${p.generatorCpuPct.toFixed(0)}%${p.errors ? `  ERRORS ${p.errors}` : ""}`,
      );
      const note = keepUpNote(p);
      if (note) warnings.push(`${label} at ${pct} of peak: ${note}`);
      if (p.errors > 0) warnings.push(`${label} at ${pct} of peak: ${p.errors} failed requests`);
    }
  };
  const shares = (phases: ConstantRatePhase[], peak: number): FixedRateResult[] =>
    phases.map((p, i) => ({ ...p, share: SHARES[i] ?? 0, peakRps: peak }));

  const chosen = variants.filter(wantsFixedRate);
  log(`fixed rate: ${chosen.length} variants × ${SHARES.length} rates × ${seconds} s`);
  const control = results.find((r) => r.id === "control");
  for (const variant of chosen) {
    const result = results.find((r) => r.id === variant.id);
    const peak = result?.median.rps ?? 0;
    if (!result || peak <= 0) continue;
    const rates = SHARES.map((s) => Math.max(1, Math.round(s * peak)));
    result.fixedRate = shares(await phasesAt(variant.server.url, await variant.request(), rates), peak);
    report(variant.label, result.fixedRate);
    if (!wantsFloor(variant) || !control || control.median.rps <= 0) continue;
    // The floor under the latency target, in the same run at the same rates: bare node:http spending
    // what the list costs beyond what node:http itself costs, so its CPU per request is the list's.
    const variantCpuUs = cpuPerRequestUs(result);
    const controlCpuUs = cpuPerRequestUs(control);
    const busyUs = Math.max(0, Math.round(variantCpuUs - controlCpuUs));
    const busy = await startControl(options.pinning, options.workDir, "busy", { BUSY_US: String(busyUs) });
    try {
      const phases = shares(await phasesAt(busy.url, { method: "GET", path: "/" }, rates), peak);
      const floor: FixedRateFloor = { variantCpuUs, controlCpuUs, busyUs, phases };
      result.fixedRateFloor = floor;
      report(floorLabel(floor), phases);
    } finally {
      await busy.server.stop();
    }
  }
  return warnings;
}
