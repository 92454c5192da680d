import { createDb, type Dialect, type TandemDb } from "@tandem/db";
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  type TestUser,
} from "@tandem/testing";
import pino from "pino";
import { createApp, type TandemApp } from "../src/app.ts";
import type { RemoteKeySetOptions } from "../src/auth/key-set.ts";
import type { TokenCache } from "../src/auth/token-cache.ts";
import type { ApiMetrics } from "../src/metrics/metrics.ts";
import { createVerifier } from "../src/auth/verifier.ts";
import type { QuotaConfig } from "../src/http/quota.ts";

export const WEB_ORIGIN = "http://localhost:3000";

export interface ApiHarnessOptions {
  tokenLifetimeSeconds?: number;
  clockToleranceSeconds?: number;
  jwks?: Partial<Omit<RemoteKeySetOptions, "url">> & { url?: string };
  bodyLimitBytes?: number;
  /** Session-check cache in seconds (the revocation bound); default: the production default. */
  revocationCheckSeconds?: number;
  /** Clock for the session-check cache. */
  now?: () => number;
  /** Per-user request quota; unset = none, so suites that make many requests are unaffected. */
  quota?: QuotaConfig;
  /** Verified-token cache for the verifier (production turns one on); unset = verify every request. */
  tokenCache?: TokenCache;
  /** Prometheus metrics for the app to record into. */
  metrics?: ApiMetrics;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  /** The test database (Better Auth's connection to it). */
  database: TestDatabase;
  /** The API's own connection to the same database, opened as main.ts opens it. */
  apiDatabase: TandemDb;
  auth: AuthServer;
  app: TandemApp;
  /** Every line the API logged, as written (JSON text). */
  logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  signUp(name?: string): Promise<TestUser>;
  close(): Promise<void>;
}

/**
 * The real API (in process) on a fresh database, verifying tokens from a real Better Auth
 * served on a local port. Call `close()` after each test.
 */
export async function createApiHarness(
  dialect: Dialect,
  options: ApiHarnessOptions = {},
): Promise<ApiHarness> {
  const database = await createTestDatabase(dialect);
  const auth = await startAuthServer({
    database,
    ...(options.tokenLifetimeSeconds === undefined
      ? {}
      : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const logs: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(line) });
  const verifier = createVerifier({
    jwks: { url: auth.jwksUrl, timeoutMs: 1000, ...options.jwks },
    issuer: auth.issuer,
    audience: auth.audience,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
    ...(options.tokenCache === undefined ? {} : { tokenCache: options.tokenCache }),
  });
  const apiDatabase = createDb(database.url, {
    isoInstants: true,
    preparedStatements: true,
    sqliteGroupCommit: true,
  });
  const app = createApp({
    database: apiDatabase,
    verifier,
    logger,
    config: {
      webOrigins: [WEB_ORIGIN],
      ...(options.revocationCheckSeconds === undefined
        ? {}
        : { revocationCheckSeconds: options.revocationCheckSeconds }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
      ...(options.quota === undefined ? {} : { quota: options.quota }),
    },
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  return {
    database,
    apiDatabase,
    auth,
    app,
    logs,
    async request(method, path, { token, body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      const h = init.headers as Record<string, string>;
      if (token !== undefined) h.authorization ??= `Bearer ${token}`;
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        h["content-type"] ??= "application/json";
      }
      return app.request(path, init);
    },
    signUp: (name) => auth.signUp(name === undefined ? {} : { name }),
    async close() {
      await auth.close();
      await apiDatabase.destroy();
      await database.cleanup();
    },
  };
}
