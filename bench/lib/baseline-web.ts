// `--baseline <git ref>` for the web app: the ref's apps/web, built for production like the real
// one (`next build` with Turbopack, then the server bundle), so sign-in can be timed against both
// builds in one run. Built once per commit and kept.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { BIN, type Env, runStep } from "@tandem/stack";
import { BENCH_DIR, ROOT } from "./paths.ts";

/**
 * Where baseline builds live: inside the repository because Turbopack refuses files outside its
 * root, which it puts at the nearest lockfile above the app — this checkout's, so the baseline's
 * modules and this checkout's node_modules are both inside it. A `dist` folder because every tool
 * here (git, ESLint, tsc, dpdm, Prettier) already skips those; a dot-folder would be linted.
 */
export const BASELINE_WEB_ROOT = join(BENCH_DIR, "dist", "baseline-web");

/** What the web build reads from the repository besides apps/web and the workspace packages. */
const TREE = ["apps/web", "packages", "package.json", "tsconfig.base.json"];

export interface BaselineWeb {
  commit: string;
  /** The ref's apps/web, built (its .next and dist/server.js). */
  webDir: string;
  /** True when the build was already there. */
  cached: boolean;
}

/**
 * The ref's web app, built under bench/dist/baseline-web/<commit> (reused when already built).
 * npm dependencies resolve from this checkout's node_modules (the folder is inside it), except
 * the workspace packages, which come from the ref's own packages/ through a node_modules beside them.
 */
export async function buildBaselineWeb(
  ref: string,
  env: Env,
  log: (line: string) => void,
): Promise<BaselineWeb> {
  const commit = execFileSync("git", ["rev-parse", "--short", `${ref}^{commit}`], {
    cwd: ROOT,
    encoding: "utf8",
  }).trim();
  const tree = join(BASELINE_WEB_ROOT, commit);
  const webDir = join(tree, "apps", "web");
  const built = () =>
    existsSync(join(webDir, ".next", "BUILD_ID")) && existsSync(join(webDir, "dist", "server.js"));
  if (built()) {
    log(`baseline: the web app at ${commit} is already built (${tree.slice(ROOT.length + 1)})`);
    return { commit, webDir, cached: true };
  }

  // A half-finished earlier attempt is not trusted: start from a clean extract.
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const present = TREE.filter((path) => {
    try {
      execFileSync("git", ["cat-file", "-e", `${commit}:${path}`], { cwd: ROOT, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  execFileSync("sh", ["-c", `git archive "${commit}" ${present.join(" ")} | tar -x -C "${tree}"`], {
    cwd: ROOT,
  });
  // Only @tandem/* is linked: every other package is found one level up, in this checkout's
  // node_modules, by ordinary upward resolution (so Node, Turbopack and esbuild all agree).
  const scope = join(tree, "node_modules", "@tandem");
  mkdirSync(scope, { recursive: true });
  for (const name of readdirSync(join(tree, "packages"))) {
    const manifest = join(tree, "packages", name, "package.json");
    if (!existsSync(manifest)) continue;
    const { name: full } = JSON.parse(readFileSync(manifest, "utf8")) as { name: string };
    if (full.startsWith("@tandem/")) {
      symlinkSync(join("..", "..", "packages", name), join(scope, full.slice("@tandem/".length)));
    }
  }

  log(`baseline: building the web app at ${commit} (next build, about a minute)`);
  // As buildWeb does: NODE_ENV is next build's to set, and the client bundle must not bake in an API URL.
  const { NODE_ENV: _nodeEnv, NEXT_PUBLIC_API_URL: _apiUrl, ...rest } = env;
  const buildEnv: Env = {
    ...rest,
    NEXT_TELEMETRY_DISABLED: "1",
    PATH: `${BIN}:${env.PATH ?? process.env.PATH ?? ""}`,
  };
  const logFile = join(tree, "build.log");
  await runStep({
    name: "baseline-build",
    command: join(BIN, "next"),
    args: ["build"],
    cwd: webDir,
    env: buildEnv,
    logFile,
  });
  await runStep({
    name: "baseline-build",
    command: "npm",
    args: ["run", "build:server"],
    cwd: webDir,
    env: buildEnv,
    logFile,
  });
  if (!built())
    throw new Error(`the baseline web build at ${commit} left no .next/BUILD_ID or dist/server.js`);
  // Turbopack's cache (about three quarters of the folder) only speeds up a rebuild, which a
  // commit's build never gets.
  rmSync(join(webDir, ".next", "cache"), { recursive: true, force: true });
  return { commit, webDir, cached: false };
}
