import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The web app's `@/` imports (apps/web/tsconfig.json's paths), for its unit tests.
  resolve: { alias: { "@/": fileURLToPath(new URL("apps/web/src/", import.meta.url)) } },
  test: {
    name: "unit",
    include: ["{apps,packages,tooling}/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests share one machine with 2 cores; scrypt password hashing and Postgres template
    // cloning are CPU-heavy, so keep file-level parallelism modest.
    maxWorkers: 2,
    // Migrates the SQLite (and, with TEST_DATABASE_URL, Postgres) template once per run and drops
    // every test database of the run at the end.
    globalSetup: ["packages/testing/src/global-setup.ts"],
  },
});
