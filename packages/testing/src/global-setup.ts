// Vitest global setup (registered in the root vitest.config.ts): prepares the migrated template
// databases once per run, before any worker starts, so workers never race to create them; and
// removes everything the run created when it ends, including databases of crashed tests.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { TestProject } from "vitest/node";
import {
  createPostgresTemplate,
  createSqliteTemplate,
  dropPostgresDatabases,
  newRunPrefix,
  postgresSkippedLine,
  type TemplateInfo,
  testDatabaseAdminUrl,
} from "./templates.ts";
import { redisSkippedLine } from "./redis.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runPrefix = newRunPrefix();
  const adminUrl = testDatabaseAdminUrl();
  const skipped = postgresSkippedLine(project.config.name || "vitest");
  if (skipped !== undefined) console.log(skipped);
  const redisSkipped = redisSkippedLine(project.config.name || "vitest");
  if (redisSkipped !== undefined) console.log(redisSkipped);
  const sqlite = await createSqliteTemplate(tmpdir(), runPrefix);
  const teardown = async () => {
    rmSync(sqlite.dir, { recursive: true, force: true });
    if (adminUrl !== undefined) await dropPostgresDatabases(adminUrl, runPrefix);
  };
  try {
    const info: TemplateInfo = { runPrefix, sqliteDir: sqlite.dir, sqliteTemplate: sqlite.file };
    if (adminUrl !== undefined) info.postgresTemplate = await createPostgresTemplate(adminUrl, runPrefix);
    project.provide("tandemTemplates", info);
  } catch (error) {
    // Vitest does not call the teardown of a setup that threw.
    await teardown();
    throw error;
  }
  return teardown;
}
