// Redis for the tests of the shared quota (REDIS_URL): like PostgreSQL, only when the run is given
// one (TEST_REDIS_URL), so `npm test` needs nothing installed; CI sets it and runs them.
import { describe } from "vitest";

/** TEST_REDIS_URL, or undefined when the Redis cases are to be skipped. */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  return url === undefined || url === "" ? undefined : url;
}

/** The one line a run prints when its Redis cases are skipped, or undefined when they run. */
export function redisSkippedLine(suite: string): string | undefined {
  if (testRedisUrl() !== undefined) return undefined;
  return `${suite}: Redis cases skipped: TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379 runs them)`;
}

/** `describe` for a group that needs Redis: reported as skipped without TEST_REDIS_URL. */
export function describeRedis(name: string, body: () => void): void {
  describe.skipIf(testRedisUrl() === undefined)(`${name} on redis`, body);
}
