// Bundles the API for production: our workspace packages (TypeScript source) are compiled in;
// npm dependencies stay external and load from node_modules (better-sqlite3 is native).
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  plugins: [
    {
      name: "externalize-npm-dependencies",
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@tandem/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
console.log("built apps/api/dist/main.js");
