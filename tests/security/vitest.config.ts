// `npm run test:security`: the black-box security suite (tests/security). Real processes over HTTP:
// each file starts its own web app (`node dist/server.js`) and API (`node dist/main.js`) per dialect.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Files that mostly wait (key rotation waits out grace periods and token lifetimes, four times
// over). On a fresh clone Vitest starts the largest files first, which left this one for last and
// one worker idle beside it for over a minute; started first, it overlaps the rest.
const WAITING_FILES = ["keys.test.ts"];

class WaitingFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const waits = (spec: TestSpecification) =>
      WAITING_FILES.some((name) => spec.moduleId.endsWith(`/${name}`));
    return [...sorted.filter(waits), ...sorted.filter((spec) => !waits(spec))];
  }
}

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
    sequence: { sequencer: WaitingFilesFirst },
  },
});
