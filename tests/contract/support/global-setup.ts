// Once per contract run: chooses the backends (failing when a required one cannot run), builds
// the TypeScript API bundle when stale, and tells the test files which backends to use.
import type { TestProject } from "vitest/node";
import { type Backend, buildApiIfStale, chooseBackends } from "@tandem/stack";
import { redisSkippedLine } from "@tandem/testing";

declare module "vitest" {
  export interface ProvidedContext {
    /** The backends every contract test file runs against (see targets.ts). */
    contractBackends: Backend[];
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const { backends, skipped } = chooseBackends({ ...process.env });
  if (backends.includes("ts")) await buildApiIfStale({ ...process.env });
  console.log(`contract: backends ${backends.join(", ")}`);
  for (const { backend, reason } of skipped) console.log(`contract: not testing ${backend}: ${reason}`);
  const redis = redisSkippedLine("contract");
  if (redis !== undefined) console.log(redis);
  project.provide("contractBackends", backends);
}
