// The "Web" section of the report: /tasks first-load JS and sign-in → list, for the current build
// and, with --baseline, the ref's build measured in the same run.
import type { FirstLoadJs, SignInTiming } from "./web.ts";
import type { BenchResults } from "./types.ts";

const kB = (bytes: number) => (bytes / 1000).toFixed(1);
const ms = (timing: SignInTiming) => timing.samplesMs.map((m) => m.toFixed(0)).join(", ");

export function webSection(r: BenchResults, table: (head: string[], rows: string[][]) => string): string[] {
  const out: string[] = ["## Web", ""];
  const { firstLoadJs: js, signIn, baseline } = r.web;
  const base = baseline ? ` (baseline \`${baseline.commit}\`: ${baselineJs(baseline.firstLoadJs)})` : "";
  if (js) {
    out.push(
      `- /tasks first-load JS: **${kB(js.gzipBytes)} kB gzipped** (${kB(js.rawBytes)} kB raw; the ${js.files.length} scripts the server-rendered page references, each gzipped at level 9 from .next/static)${base}:`,
      "",
      table(
        ["script", "gzipped kB"],
        js.files.map((f) => [f.path, kB(f.gzipBytes)]),
      ),
      "",
    );
  }
  if (signIn) {
    out.push(
      `- Sign-in → task list visible in Chromium: **median ${signIn.medianMs.toFixed(0)} ms** over ${signIn.samplesMs.length} fresh browser contexts (${ms(signIn)} ms), after one unmeasured pass.`,
      "",
    );
  }
  if (baseline?.signIn && signIn) {
    const b = baseline.signIn;
    out.push(
      `- The same against the baseline \`${baseline.commit}\`'s web app (its own build, on the same database, with an instance of the current API), samples alternating with the current build's: **median ${b.medianMs.toFixed(0)} ms** (${ms(b)} ms); now ÷ baseline **${(signIn.medianMs / b.medianMs).toFixed(2)}×**.`,
      "",
    );
  }
  for (const e of r.web.errors) out.push(`- Not measured: ${e}`, "");
  return out;
}

function baselineJs(js: FirstLoadJs | null): string {
  return js ? `${kB(js.gzipBytes)} kB gzipped, ${js.files.length} scripts` : "not measured";
}
