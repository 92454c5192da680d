// `--baseline <git ref>`: the API as it was at another commit, bundled like the real one, so a
// change's before/after runs interleaved in one invocation.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { API_DIR, ROOT } from "./paths.ts";

export interface BaselineBuild {
  bundle: string;
  commit: string;
  /** The last of Tandem's migrations at `ref`: the schema its own SQLite copy is moved to (stack.ts). */
  lastMigration: string;
}

/** Bundles apps/api at `ref` into apps/api/dist (so npm dependencies resolve from this checkout). */
export async function buildBaseline(ref: string, workDir: string): Promise<BaselineBuild> {
  const commit = execFileSync("git", ["rev-parse", "--short", ref], { cwd: ROOT, encoding: "utf8" }).trim();
  const source = join(workDir, `baseline-${commit}`);
  mkdirSync(source, { recursive: true });
  execFileSync("sh", ["-c", `git archive "${commit}" apps/api packages | tar -x -C "${source}"`], {
    cwd: ROOT,
  });
  // Workspace packages come from the baseline's own source, not from this checkout's.
  const alias: Record<string, string> = {};
  for (const name of readdirSync(join(source, "packages"))) {
    const manifest = JSON.parse(readFileSync(join(source, "packages", name, "package.json"), "utf8")) as {
      name: string;
      exports?: Record<string, string> | string;
    };
    const entry = typeof manifest.exports === "string" ? manifest.exports : manifest.exports?.["."];
    if (entry) alias[manifest.name] = join(source, "packages", name, entry);
  }
  const outfile = join(API_DIR, "dist", `baseline-${commit}.js`);
  await build({
    entryPoints: [join(source, "apps", "api", "src", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    plugins: [
      {
        name: "externalize-npm-dependencies",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            const own = alias[args.path];
            if (own !== undefined) return { path: own };
            return args.path.startsWith("@tandem/") ? undefined : { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const lastMigration = readdirSync(join(source, "packages", "db", "src", "migrations"))
    .filter((file) => /^\d{4}_\w+\.ts$/.test(file))
    .sort()
    .at(-1)
    ?.replace(/\.ts$/, "");
  if (lastMigration === undefined)
    throw new Error(`${commit} has no migrations in packages/db/src/migrations`);
  return { bundle: outfile, commit, lastMigration };
}
