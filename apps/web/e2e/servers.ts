// The servers under test for the browser tests: the shared launcher (TestStack of @tandem/stack)
// with the settings these tests need.
import type { Backend, Env } from "@tandem/stack";
import { createStackDatabase, type StackDatabase, TestStack } from "@tandem/stack";

export { TestStack };

/** A migrated SQLite database in a temporary folder of its own. */
export function createTestDatabase(): Promise<StackDatabase> {
  return createStackDatabase("sqlite");
}

/** A web app and an API on `databaseUrl` with the browser tests' settings (not started). */
export function e2eStack(options: {
  name: string;
  databaseUrl: string;
  webPort: number;
  apiPort: number;
  /** Which task API serves the web app (default: the TypeScript one). */
  backend?: Backend;
  /** Extra settings for the web app, over the ones below. */
  web?: Env;
  /** A development OpenID Connect provider the web app offers ("Continue with Dev ID"). */
  oidc?: boolean;
}): TestStack {
  return new TestStack({
    ...options,
    web: {
      // Short-lived tokens so the renewal test can wait one out.
      AUTH_TOKEN_LIFETIME_SECONDS: "10",
      // The suite signs up dozens of users from one IP within seconds; Better Auth's limiter
      // (3 sign-ups per 10 s) would turn that into 429s.
      AUTH_RATE_LIMIT: "off",
      ...options.web,
    },
    api: {
      // Without skew tolerance an expired token really is refused, so the renewal test proves
      // that the browser fetched a new one.
      AUTH_CLOCK_SKEW_SECONDS: "0",
    },
  });
}
