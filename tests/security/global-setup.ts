// Once per `npm run test:security`: build the API bundle and the web app if stale (as the browser
// tests do), and refuse to run the PostgreSQL half silently skipped in CI.
import { buildApi, buildWeb } from "../../scripts/lib/build.ts";

export default async function setup(): Promise<void> {
  if (process.env.CI === "true" && !process.env.TEST_DATABASE_URL) {
    throw new Error(
      "CI=true but TEST_DATABASE_URL is not set: the security suite must run against PostgreSQL too " +
        "(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)",
    );
  }
  const started = Date.now();
  await buildApi({ ...process.env });
  await buildWeb({ ...process.env });
  console.log(`security suite: builds ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
