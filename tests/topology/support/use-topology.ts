// One topology per test file: a fresh PostgreSQL database (a copy of the run's template) and
// startTopology on it in beforeAll, both gone in afterAll.
import { afterAll, afterEach, beforeAll, describe, inject } from "vitest";
import { createStackDatabase, type StackDatabase } from "@tandem/stack";
import { startTopology, type Topology, type TopologyOptions } from "./topology.ts";

/** `describe`, skipped when the run has no PostgreSQL (global-setup.ts printed why). */
export const describeTopology = describe.skipIf(inject("topologyTemplate") === "");

/**
 * The file's topology, started before its first test and stopped after its last, its output
 * kept (`logs()`) unless `output: "inherit"`. Read it inside tests and hooks only.
 */
export function useTopology(options: Omit<TopologyOptions, "databaseUrl"> = {}): () => Topology {
  let database: StackDatabase | undefined;
  let topology: Topology | undefined;
  beforeAll(async () => {
    database = await createStackDatabase("postgres", {
      adminUrl: process.env.TEST_DATABASE_URL,
      template: inject("topologyTemplate"),
    });
    topology = await startTopology({ output: "buffer", ...options, databaseUrl: database.url });
  });
  // HAProxy logs every request: kept quiet unless a test fails, then the newest lines explain it.
  afterEach(({ task }) => {
    if (task.result?.state !== "fail" || topology === undefined) return;
    console.error(`Last output of the topology:\n${topology.logs().slice(-80).join("\n")}`);
  });
  afterAll(async () => {
    await topology?.stop();
    await database?.remove();
  });
  return () => {
    if (topology === undefined) throw new Error("the topology is not started (use it inside tests)");
    return topology;
  };
}
