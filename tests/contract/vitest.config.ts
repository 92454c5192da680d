import { defineConfig } from "vitest/config";
import { slowFirst } from "../slow-first.ts";

// The contract suite: the task API's HTTP behaviour, run against every backend (see README.md).
// From the repository root: `npm run test:contract`.
export default defineConfig({
  test: {
    name: "contract",
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/contract/**/*.test.ts"],
    // Every request crosses a real socket to a separate process; the pagination walks make a few
    // thousand of them.
    testTimeout: 60_000,
    // Starting a backend (a Python one on a busy machine) and Better Auth on a fresh database.
    hookTimeout: 120_000,
    // Each file runs its own backend process next to the worker: two at a time on two cores.
    maxWorkers: 2,
    // The files that took longest in CI (2026-12-05: 178, 71, 48 and 40 s of the suite's 721 s).
    sequence: {
      sequencer: slowFirst([
        "tests/contract/tasks.pagination.test.ts",
        "tests/contract/quota.test.ts",
        "tests/contract/auth.attacks.test.ts",
        "tests/contract/tasks.isolation.test.ts",
      ]),
    },
    globalSetup: ["packages/testing/src/global-setup.ts", "tests/contract/support/global-setup.ts"],
  },
});
