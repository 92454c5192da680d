import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import type { TandemDb } from "@tandem/db";
import { sql } from "kysely";
import type { Pinning } from "./proc.ts";
import { PYTHON } from "@tandem/stack";
import type { Machine } from "./types.ts";

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    // wrk prints its version on stdout and exits 1.
    const out = (error as { stdout?: string }).stdout?.trim();
    return out ? out : null;
  }
}

export async function describeMachine(
  pinning: Pinning,
  postgres: TandemDb | undefined,
  startLoad: number,
): Promise<Machine> {
  let pgVersion: string | null = null;
  if (postgres) {
    const { rows } = await sql<{ v: string }>`select version() as v`.execute(postgres.db);
    pgVersion = rows[0]?.v.split(" on ")[0] ?? null;
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    postgres: pgVersion,
    python: run(PYTHON, [
      "-c",
      "import sys, fastapi, uvicorn; print(sys.version.split()[0], 'fastapi', fastapi.__version__, 'uvicorn', uvicorn.__version__)",
    ]),
    wrk: run("wrk", ["--version"])?.split("\n")[0]?.split(" Copyright")[0] ?? "unknown",
    pinning: pinning.note,
    loadAverage: { start: startLoad, end: loadavg()[0] ?? 0 },
  };
}
