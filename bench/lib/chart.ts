// A self-contained SVG of the results: horizontal grouped bars, one panel per question.
import { databasesOf, dbName } from "./targets.ts";
import type { BenchResults, VariantResult } from "./types.ts";

interface Bar {
  series: string;
  value: number;
  text: string;
}
interface Group {
  label: string;
  bars: Bar[];
}
interface Panel {
  title: string;
  groups: Group[];
}

const COLOURS: Record<string, string> = {
  "TS · SQLite": "#2563eb",
  "TS · PostgreSQL": "#7c3aed",
  "FastAPI · SQLite": "#f59e0b",
  "FastAPI · PostgreSQL": "#b45309",
  "baseline · SQLite": "#94a3b8",
  "baseline · PostgreSQL": "#64748b",
  "verify every request": "#dc2626",
  "DB session lookup every request": "#f97316",
  "Tandem default": "#16a34a",
  "GET /health": "#94a3b8",
  "50% of peak, corrected": "#0f766e",
  "50% of peak, uncorrected": "#99f6e4",
  "80% of peak, corrected": "#be123c",
  "80% of peak, uncorrected": "#fda4af",
};
const colour = (series: string) => COLOURS[series] ?? "#0ea5e9";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panels(results: BenchResults): Panel[] {
  const v = results.variants;
  const find = (f: (x: VariantResult) => boolean) => v.filter(f);
  const rps = (x: VariantResult) => ({ value: x.median.rps, text: `${Math.round(x.median.rps)} req/s` });
  const inThroughput = (x: VariantResult) => x.scenario === 1 || x.scenario === 2;
  const routes = [...new Set(find(inThroughput).map((x) => x.route))];
  const throughput: Panel = {
    title: "Throughput, 64 connections (median req/s, higher is better)",
    groups: routes.map((route) => ({
      label: find((x) => x.route === route)[0]?.label.replace(/^\S+ \S+ /, "") ?? route,
      bars: find((x) => inThroughput(x) && x.route === route).map((x) => ({
        series: `${x.backend === "ts" ? "TS" : x.backend === "fastapi" ? "FastAPI" : "baseline"} · ${dbName(x.db)}`,
        ...rps(x),
      })),
    })),
  };
  const modeName = {
    verify: "verify every request",
    "db-session": "DB session lookup every request",
    default: "Tandem default",
  };
  const auth: Panel = {
    title: "Authentication cost on GET /api/me (median req/s)",
    groups: databasesOf(v).map((db) => {
      const me = (mode: "verify" | "db-session") =>
        find((x) => x.db === db && x.scenario === 3 && x.mode === mode);
      const def = find((x) => x.db === db && x.backend === "ts" && x.scenario === 1 && x.route === "me");
      const health = find(
        (x) => x.db === db && x.backend === "ts" && x.scenario === 1 && x.route === "health",
      );
      return {
        label: dbName(db),
        bars: [
          ...me("verify").map((x) => ({ series: modeName.verify, ...rps(x) })),
          ...me("db-session").map((x) => ({ series: modeName["db-session"], ...rps(x) })),
          ...def.map((x) => ({ series: modeName.default, ...rps(x) })),
          ...health.map((x) => ({ series: "GET /health", ...rps(x) })),
        ],
      };
    }),
  };
  const sizes = [...new Set(find((x) => x.scenario === 4).map((x) => x.size ?? 0))];
  const scale: Panel = {
    title: "List latency by task count (median p50 ms, lower is better)",
    groups: find((x) => x.scenario === 4 && x.size === sizes[0]).map((first) => ({
      label: `${dbName(first.db)}, ${first.route === "scale-first" ? "first page" : "deep cursor"}`,
      bars: find((x) => x.scenario === 4 && x.db === first.db && x.route === first.route).map((x) => ({
        series: `${(x.size ?? 0).toLocaleString("en")} tasks`,
        value: x.median.p50Ms,
        text: `${x.median.p50Ms.toFixed(2)} ms`,
      })),
    })),
  };
  // Corrected beside uncorrected: the gap is the coordinated omission a closed-loop client hides.
  const tail: Panel = {
    title: "p99 at a fixed rate, open-loop (ms, lower is better)",
    groups: find((x) => (x.fixedRate ?? []).length > 0).map((x) => ({
      label: x.label.replace(/^control: /, "").replace(/ GET \/api\/tasks\?limit=20$/, " list"),
      bars: (x.fixedRate ?? []).flatMap((p) => {
        const pct = `${(p.share * 100).toFixed(0)}% of peak`;
        return [
          {
            series: `${pct}, corrected`,
            value: p.corrected.p99Ms,
            text: `${p.corrected.p99Ms.toFixed(1)} ms`,
          },
          {
            series: `${pct}, uncorrected`,
            value: p.uncorrected.p99Ms,
            text: `${p.uncorrected.p99Ms.toFixed(1)} ms`,
          },
        ];
      }),
    })),
  };
  return [throughput, auth, scale, tail].filter((p) => p.groups.some((g) => g.bars.length > 0));
}

const SIZE_COLOURS = ["#86efac", "#22c55e", "#15803d", "#14532d"];

/** The chart as an SVG document. */
export function renderChart(results: BenchResults): string {
  const width = 900;
  const labelWidth = 230;
  const barHeight = 16;
  const plotWidth = width - labelWidth - 140;
  const parts: string[] = [];
  let y = 30;
  parts.push(
    `<text x="16" y="22" font-size="15" font-weight="bold">Tandem benchmark — ${escape(results.finishedAt.slice(0, 16).replace("T", " "))} UTC, ${escape(results.machine.cpu)} (${results.machine.cores} cores)</text>`,
  );
  for (const panel of panels(results)) {
    y += 22;
    parts.push(`<text x="16" y="${y}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`);
    y += 10;
    const max = Math.max(1e-9, ...panel.groups.flatMap((g) => g.bars.map((b) => b.value)));
    const seriesSeen = new Map<string, string>();
    for (const group of panel.groups) {
      const top = y;
      group.bars.forEach((bar, i) => {
        const fill = bar.series.endsWith(" tasks") ? (SIZE_COLOURS[i] ?? "#15803d") : colour(bar.series);
        seriesSeen.set(bar.series, fill);
        const w = Math.max(1, (bar.value / max) * plotWidth);
        parts.push(
          `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 3}" fill="${fill}"><title>${escape(`${bar.series}: ${bar.text}`)}</title></rect>`,
          `<text x="${(labelWidth + w + 5).toFixed(1)}" y="${y + barHeight - 5}" font-size="11">${escape(bar.text)}</text>`,
        );
        y += barHeight;
      });
      parts.push(
        `<text x="${labelWidth - 8}" y="${(top + (y - top) / 2 + 4).toFixed(1)}" font-size="12" text-anchor="end">${escape(group.label)}</text>`,
      );
      y += 8;
    }
    let x = labelWidth;
    for (const [series, fill] of seriesSeen) {
      const itemWidth = 24 + series.length * 6.2;
      if (x + itemWidth > width - 10 && x > labelWidth) {
        x = labelWidth;
        y += 16;
      }
      parts.push(
        `<rect x="${x}" y="${y}" width="10" height="10" fill="${fill}"/>`,
        `<text x="${x + 14}" y="${y + 9}" font-size="11">${escape(series)}</text>`,
      );
      x += itemWidth;
    }
    y += 22;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
