// `npm run test:security`: the black-box security suite (tests/security). Real processes over HTTP:
// each file starts its own web app (`node dist/server.js`) and API (`node dist/main.js`) per dialect.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { slowFirst } from "../slow-first.ts";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["tests/security/**/*.test.ts"],
    // Builds what is stale once, and refuses to run without PostgreSQL in CI.
    globalSetup: ["tests/security/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two files at a time: each runs a web app and an API (and sometimes more) on a 2-core machine.
    maxWorkers: 2,
    fileParallelism: true,
    // The files that took longest in CI (2026-12-05: 137, 102, 56 and 52 s of the suite's 660 s).
    sequence: {
      sequencer: slowFirst([
        "tests/security/keys.test.ts",
        "tests/security/account-email.test.ts",
        "tests/security/tokens.test.ts",
        "tests/security/teams.test.ts",
      ]),
    },
  },
});
