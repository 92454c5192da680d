// Tail latency at a fixed offered rate: after the saturation rounds, the constant-rate generator
// drives chosen variants at 50% and 80% of their own median peak (decision 020).
import { keepUpNote, runConstantRate } from "./constant-rate.ts";
import type { Pinning } from "./proc.ts";
import type { Variant } from "./scenarios.ts";
import type { Settings, VariantResult } from "./types.ts";

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

/** Adds `fixedRate` to the chosen results (in place) and returns warnings for the report. */
export async function runFixedRate(
  variants: Variant[],
  results: VariantResult[],
  options: FixedRateOptions,
): Promise<string[]> {
  const { settings, log } = options;
  const warnings: string[] = [];
  // 5 s gives ~10 samples beyond p99.9 at 2,000 req/s; a quick run only checks that it works.
  const seconds = settings.quick ? 1 : 5;
  const leadInSeconds = 1;
  const chosen = variants.filter(wantsFixedRate);
  log(`fixed rate: ${chosen.length} variants × ${SHARES.length} rates × ${seconds} s`);
  for (const variant of chosen) {
    const result = results.find((r) => r.id === variant.id);
    const peak = result?.median.rps ?? 0;
    if (!result || peak <= 0) continue;
    const phases = await runConstantRate(
      {
        baseUrl: variant.server.url,
        request: await variant.request(),
        rates: SHARES.map((s) => Math.max(1, Math.round(s * peak))),
        warmUpSeconds: 1,
        leadInSeconds,
        seconds,
        connections: settings.connections,
      },
      options.pinning,
      options.workDir,
    );
    result.fixedRate = phases.map((p, i) => ({ ...p, share: SHARES[i] ?? 0, peakRps: peak }));
    for (const p of result.fixedRate) {
      const pct = `${(p.share * 100).toFixed(0)}%`;
      log(
        `  ${variant.label.padEnd(52)} ${pct.padStart(4)} ${p.offeredRps.toFixed(0).padStart(6)} → ${p.achievedRps.toFixed(0).padStart(6)} req/s  p50 ${p.corrected.p50Ms.toFixed(2)}  p99 ${p.corrected.p99Ms.toFixed(2)}  p99.9 ${p.corrected.p999Ms.toFixed(2)} ms (uncorrected p99 ${p.uncorrected.p99Ms.toFixed(2)})  gen ${p.generatorCpuPct.toFixed(0)}%${p.errors ? `  ERRORS ${p.errors}` : ""}`,
      );
      const note = keepUpNote(p);
      if (note) warnings.push(`${variant.label} at ${pct} of peak: ${note}`);
      if (p.errors > 0) warnings.push(`${variant.label} at ${pct} of peak: ${p.errors} failed requests`);
    }
  }
  return warnings;
}
