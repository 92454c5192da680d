// Once per `npm run test:security`: build the API bundle and the web app if stale (as the browser
// tests do), refuse to skip PostgreSQL silently in CI, and migrate one template database per
// dialect that every stack of the run copies (and that is dropped at the end).
import { postgresSkippedLine } from "@tandem/testing";
import type { TestProject } from "vitest/node";
import {
  type Backend,
  buildApiIfStale,
  buildWeb,
  chooseBackends,
  createStackDatabase,
  type StackDatabase,
} from "@tandem/stack";

export interface SecurityTemplates {
  sqlite: string;
  postgres?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    securityTemplates: SecurityTemplates;
    /** The APIs the API-facing cases run against (CONTRACT_BACKENDS, as in the contract suite). */
    securityBackends: Backend[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = process.env.CI !== undefined && !["", "0", "false"].includes(process.env.CI);
  const adminUrl = process.env.TEST_DATABASE_URL || undefined;
  if (ci && !adminUrl) {
    throw new Error(
      "CI is set but TEST_DATABASE_URL is not set: the security suite must run against PostgreSQL too " +
        "(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)",
    );
  }
  const skipped = postgresSkippedLine("security suite");
  if (skipped !== undefined) console.log(skipped);
  const backends = chooseBackends(process.env);
  for (const left of backends.skipped) {
    console.log(`security suite: the ${left.backend} backend skipped: ${left.reason}`);
  }
  project.provide("securityBackends", backends.backends);
  const started = Date.now();
  await buildApiIfStale({ ...process.env });
  await buildWeb({ ...process.env });

  const templates: StackDatabase[] = [];
  const teardown = async () => {
    for (const template of templates) await template.remove();
  };
  try {
    templates.push(await createStackDatabase("sqlite"));
    if (adminUrl) templates.push(await createStackDatabase("postgres", { adminUrl }));
  } catch (error) {
    await teardown();
    throw error;
  }
  const [sqlite, postgres] = templates;
  project.provide("securityTemplates", {
    sqlite: sqlite?.url ?? "",
    ...(postgres ? { postgres: postgres.url } : {}),
  });
  console.log(
    `security suite: builds and templates ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return teardown;
}
