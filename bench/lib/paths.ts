import { join } from "node:path";
import { ROOT } from "../../scripts/lib/build.ts";

export { API_DIR, BIN, ROOT, WEB_DIR } from "../../scripts/lib/build.ts";
export const BENCH_DIR = join(ROOT, "bench");
export const RESULTS_DIR = join(BENCH_DIR, "results");
export const FASTAPI_DIR = join(ROOT, "backends", "fastapi");
