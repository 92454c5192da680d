import { join } from "node:path";
import { ROOT } from "@tandem/stack";

export { API_DIR, BIN, ROOT, WEB_DIR } from "@tandem/stack";
export const BENCH_DIR = join(ROOT, "bench");
export const RESULTS_DIR = join(BENCH_DIR, "results");
/**
 * The checkout whose `backends/fastapi` is benchmarked: this one, unless BENCH_FASTAPI_ROOT names
 * another (to try a backend developed on another branch).
 */
export const FASTAPI_ROOT = process.env.BENCH_FASTAPI_ROOT || ROOT;
export const FASTAPI_DIR = join(FASTAPI_ROOT, "backends", "fastapi");
