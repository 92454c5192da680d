import type { ConstantRatePhase } from "./constant-rate.ts";
import type { LoadResult } from "./load.ts";
import type { FirstLoadJs, SignInTiming } from "./web.ts";

export type Db = "sqlite" | "postgres";
/** `control`: a bare node:http or bare Hono server on the same core (scenario 0). */
export type Backend = "ts" | "fastapi" | "baseline" | "control";
export type Route = "health" | "me" | "list" | "create" | "toggle" | "scale-first" | "scale-deep";
/**
 * Scenario 3: how the TypeScript API authenticates each request; `no-list-cache`, the default
 * authentication with the list cache off (decision 029), for what building a page costs.
 */
export type AuthMode = "verify" | "db-session" | "no-list-cache" | "default";

export interface Settings {
  quick: boolean;
  durationSeconds: number;
  warmupSeconds: number;
  reps: number;
  connections: number;
  users: number;
  tasksPerUser: number;
  scaleSizes: number[];
  signInSamples: number;
  baselineRef: string | null;
  /** Run with development options (--duration, --filter…): never written to latest.* or bench/README.md. */
  custom: boolean;
}

export interface Summary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  loadCpuPct: number;
  serverCpuPct: number;
  postgresCpuPct?: number;
  otherCpuPct: number;
  /** Absent from runs recorded before it was kept. */
  interruptPct?: number;
  stealPct: number;
  /** Sum over all runs. */
  errors: number;
}

/** 0 is the machine control (no database); 1–4 are the scenarios of bench/README.md. */
export type Scenario = 0 | 1 | 2 | 3 | 4;

export interface VariantResult {
  id: string;
  scenario: Scenario;
  label: string;
  backend: Backend;
  db: Db | null;
  route: Route;
  mode?: AuthMode;
  size?: number;
  runs: LoadResult[];
  median: Summary;
  /** Constant-rate runs at shares of `median.rps` (fixed-rate.ts); absent for variants not chosen. */
  fixedRate?: FixedRateResult[];
  /** The same rates against bench:busy's control at this variant's CPU per request (fixed-rate.ts). */
  fixedRateFloor?: FixedRateFloor;
}

/** What a server with no Tandem code, at the same cost per request, shows at the same rates. */
export interface FixedRateFloor {
  /** The variant's CPU per request at saturation (the server process, all threads), µs. */
  variantCpuUs: number;
  /** The bare node:http control's own CPU per request in the same run, µs. */
  controlCpuUs: number;
  /** What the busy control spins on each request: the difference of the two. */
  busyUs: number;
  phases: FixedRateResult[];
}

/** One constant-rate phase at a share of a variant's peak (fixed-rate.ts). */
export interface FixedRateResult extends ConstantRatePhase {
  /** Share of the peak the offered rate was (0.5, 0.8). */
  share: number;
  /** The saturation median the rate was derived from. */
  peakRps: number;
}

export interface Plan {
  db: Db;
  size: number;
  page: "first" | "deep";
  plan: string;
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: could not be measured in this run. */
  met: boolean | null;
  detail?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string | null;
  python: string | null;
  wrk: string;
  pinning: string;
  /**
   * 1-minute load average before any server started, and at the end (which includes the
   * benchmark's own servers and load generator, so it says little about other work).
   */
  loadAverage: { start: number; end: number };
}

export interface WebResults {
  firstLoadJs: FirstLoadJs | null;
  signIn: SignInTiming | null;
  /** The --baseline ref's web app, measured in the same run (sign-in samples interleaved with the current's). */
  baseline?: { commit: string; firstLoadJs: FirstLoadJs | null; signIn: SignInTiming | null };
  errors: string[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  settings: Settings;
  machine: Machine;
  /** Things a reader must know (a backend absent, errors seen); printed loudly. */
  warnings: string[];
  variants: VariantResult[];
  plans: Plan[];
  web: WebResults;
  targets: Target[];
}
