// Production builds for `npm start` and the browser tests: the API bundle (esbuild, about a
// second, so always rebuilt) and the web app (`next build`, about a minute, so only when stale).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { API_BUNDLE, API_DIR, BIN, ROOT, WEB_DIR, WEB_SERVER_BUNDLE } from "./paths.ts";
import { type Env, runStep } from "./processes.ts";

const SKIP_DIRS = new Set(["node_modules", ".next", "dist", "test-results"]);

/** The newest modification time (ms) of any file under `path`, ignoring tests and build output. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // catches deletions and renames inside the folder
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    if (/\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** The source folder of every workspace package (compiled into both builds). */
function packageSources(): string[] {
  return readdirSync(join(ROOT, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(ROOT, "packages", entry.name, "src"));
}

/** Everything `next build` reads that we change: app source, shared packages, config, lockfile. */
function webInputs(): string[] {
  return [
    join(WEB_DIR, "src"),
    join(WEB_DIR, "server.ts"),
    join(WEB_DIR, "public"),
    join(WEB_DIR, "next.config.ts"),
    join(WEB_DIR, "package.json"),
    join(WEB_DIR, "tsconfig.json"),
    join(ROOT, "package-lock.json"),
    ...packageSources(),
  ];
}

/** Why the web app needs a build, or null when `.next` is newer than every input. */
export function webBuildReason(): string | null {
  const buildId = join(WEB_DIR, ".next", "BUILD_ID");
  if (!existsSync(buildId) || !existsSync(WEB_SERVER_BUNDLE)) return "no production build yet";
  const built = Math.min(statSync(buildId).mtimeMs, statSync(WEB_SERVER_BUNDLE).mtimeMs);
  const changed = webInputs().find((input) => newestMtime(input) > built);
  return changed === undefined ? null : `${changed.slice(ROOT.length + 1)} changed since the last build`;
}

/**
 * `next build` when the build is missing or stale (`force` rebuilds anyway). The client bundle must
 * not depend on where the API is: NEXT_PUBLIC_API_URL is read by the server at run time, so one
 * build serves every configuration and is built without it.
 */
export async function buildWeb(env: Env, force = false): Promise<boolean> {
  // next build sets NODE_ENV=production itself and warns about any other value.
  const { NODE_ENV: _nodeEnv, NEXT_PUBLIC_API_URL: _apiUrl, ...rest } = env;
  const buildEnv: Env = { ...rest, NEXT_TELEMETRY_DISABLED: "1" };
  for (let attempt = 1; ; attempt++) {
    const reason = force ? "forced" : webBuildReason();
    if (reason === null) return false;
    console.log(`Building the web app (${reason})…`);
    let locked = false;
    try {
      await runStep({
        name: "build",
        command: join(BIN, "next"),
        args: ["build"],
        cwd: WEB_DIR,
        env: buildEnv,
        onLine: (line) => (locked ||= line.includes("Another next build process is already running")),
      });
      await runStep({
        name: "build",
        command: "npm",
        args: ["run", "build:server"],
        cwd: WEB_DIR,
        env: buildEnv,
      });
      return true;
    } catch (error) {
      // Someone else is building the same folder (an editor, a second terminal): wait for that
      // build, which may well leave nothing for us to do, rather than fail.
      if (!locked || attempt >= 20) throw error;
      console.log("Another `next build` is running in apps/web; waiting for it…");
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      force = false;
    }
  }
}

/** The API's esbuild bundle (apps/api/dist/main.js). */
export async function buildApi(env: Env): Promise<void> {
  await runStep({ name: "build", command: join(BIN, "tsx"), args: ["scripts/build.ts"], cwd: API_DIR, env });
}

/** Why the API bundle needs a build, or null when it is newer than its sources and packages. */
export function apiBuildReason(): string | null {
  if (!existsSync(API_BUNDLE)) return "no bundle yet";
  const built = statSync(API_BUNDLE).mtimeMs;
  const inputs = [
    join(API_DIR, "src"),
    join(API_DIR, "scripts"),
    join(API_DIR, "package.json"),
    join(ROOT, "package-lock.json"),
    ...packageSources(),
  ];
  const changed = inputs.find((input) => newestMtime(input) > built);
  return changed === undefined ? null : `${changed.slice(ROOT.length + 1)} changed since the last build`;
}

/** buildApi when the bundle is missing or stale; true when it built. */
export async function buildApiIfStale(env: Env): Promise<boolean> {
  const reason = apiBuildReason();
  if (reason === null) return false;
  console.log(`Building the API bundle (${reason})…`);
  await buildApi(env);
  return true;
}
