// `npm run test:topology`: the reference topology of deploy/ (HAProxy, two web and two API
// instances, one PostgreSQL) on loopback ports, and the suites that run through it.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    name: "topology",
    include: ["tests/topology/**/*.test.ts"],
    // Checks HAProxy, builds what is stale, migrates one template database for the run.
    globalSetup: ["tests/topology/global-setup.ts"],
    testTimeout: 90_000,
    // Starting five processes (and stopping them, each draining 2 s) on a 2-core machine.
    hookTimeout: 240_000,
    // One topology at a time: five processes already fill the machine.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
