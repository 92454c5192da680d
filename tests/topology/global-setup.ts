// Once per `npm run test:topology`: fail in one line without HAProxy (as the browser tests do
// without Chromium), skip in one line without PostgreSQL (but never in CI), build the API bundle
// and the web app if stale, and migrate a template database every topology of the run copies.
import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { buildApiIfStale, buildWeb, createStackDatabase, type StackDatabase } from "@tandem/stack";
import { HAPROXY, HAPROXY_MISSING } from "./support/topology.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PostgreSQL database to copy, or "" when the suite is skipped. */
    topologyTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!existsSync(HAPROXY)) {
    console.error(HAPROXY_MISSING);
    process.exit(1);
  }
  const ci = process.env.CI !== undefined && !["", "0", "false"].includes(process.env.CI);
  const adminUrl = process.env.TEST_DATABASE_URL || undefined;
  if (adminUrl === undefined) {
    if (ci) {
      throw new Error(
        "CI is set but TEST_DATABASE_URL is not set: the topology suite needs PostgreSQL " +
          "(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)",
      );
    }
    console.log(
      "topology suite skipped: it needs PostgreSQL (TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres runs it)",
    );
    project.provide("topologyTemplate", "");
    return undefined;
  }
  const started = Date.now();
  await buildApiIfStale({ ...process.env });
  await buildWeb({ ...process.env });
  const template: StackDatabase = await createStackDatabase("postgres", { adminUrl });
  project.provide("topologyTemplate", template.url);
  console.log(`topology suite: builds and template ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return () => template.remove();
}
