// One backend under test, over real HTTP: a fresh migrated database, a real Better Auth issuing
// tokens on that same database, and the backend process configured to trust it. Test files share
// one per target (beforeAll) and keep their tests apart by signing up fresh users.
import {
  type AuthServer,
  createTestDatabase,
  type StartAuthServerOptions,
  startAuthServer,
  type TestDatabase,
  type TestUser,
} from "@tandem/testing";
import { afterAll, beforeAll } from "vitest";
import { type Env, type RunningBackend, startBackend } from "@tandem/stack";
import type { Target } from "./targets.ts";

/** The browser origin every backend allows (WEB_ORIGIN). */
export const WEB_ORIGIN = "http://localhost:3000";

// High enough that no suite meets it; the quota tests start their own backends with small ones.
const UNLIMITED_QUOTA = "1000000";

export interface ApiOptions {
  /** Backend configuration on top of the defaults (WEB_ORIGIN above, an unreachable quota). */
  env?: Env;
  /** Better Auth options (e.g. tokenLifetimeSeconds). */
  auth?: Omit<StartAuthServerOptions, "database">;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON (with `Content-Type: application/json`) unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Api {
  readonly target: Target;
  /** The backend's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The database the backend serves, for seeding and for "nothing changed" checks. */
  readonly database: TestDatabase;
  readonly auth: AuthServer;
  /** Every line the backend process printed so far. */
  readonly logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  signUp(name?: string): Promise<TestUser>;
}

export interface StartedApi extends Api {
  backend: RunningBackend;
  close(): Promise<void>;
}

/** Starts the target's backend on a fresh database; call `close()` when done. */
export async function startApi(target: Target, options: ApiOptions = {}): Promise<StartedApi> {
  const database = await createTestDatabase(target.dialect);
  let auth: AuthServer | undefined;
  let backend: RunningBackend | undefined;
  const close = async () => {
    await backend?.stop();
    await auth?.close();
    await database.cleanup();
  };
  try {
    auth = await startAuthServer({ database, ...options.auth });
    backend = await startBackend(target.backend, {
      name: `${target.backend}/${target.dialect}`,
      databaseUrl: database.url,
      issuer: {
        publicUrl: auth.issuer,
        jwksUrl: auth.jwksUrl,
        audience: auth.audience,
        origins: [WEB_ORIGIN],
      },
      env: { API_QUOTA_REQUESTS: UNLIMITED_QUOTA, ...options.env },
    });
  } catch (error) {
    await close();
    throw error;
  }
  const url = backend.url;
  const issuer = auth;
  return {
    target,
    url,
    database,
    auth: issuer,
    logs: backend.logs,
    backend,
    request: (method, path, init) => send(url, method, path, init),
    signUp: (name) => issuer.signUp(name === undefined ? {} : { name }),
    close,
  };
}

function send(base: string, method: string, path: string, init: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization ??= `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  return fetch(`${base}${path}`, {
    method,
    headers,
    redirect: "manual",
    ...(body === undefined ? {} : { body }),
  });
}

/**
 * The target's backend for the tests of the enclosing `describe`: started before the first, stopped
 * after the last. Read its properties inside tests and hooks only.
 *
 * @example
 * describe.each(targets())("task routes ($label)", (target) => {
 *   const api = useApi(target);
 *   it("…", async () => { const user = await api.signUp(); … });
 * });
 */
export function useApi(target: Target, options: ApiOptions = {}): Api {
  let current: StartedApi | undefined;
  beforeAll(async () => {
    current = await startApi(target, options);
  });
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  const started = (): StartedApi => {
    if (current === undefined)
      throw new Error(`the ${target.label} backend is not running (use it inside tests)`);
    return current;
  };
  return {
    target,
    get url() {
      return started().url;
    },
    get database() {
      return started().database;
    },
    get auth() {
      return started().auth;
    },
    get logs() {
      return started().logs;
    },
    request: (method, path, init) => started().request(method, path, init),
    signUp: (name) => started().signUp(name),
  };
}

/**
 * The backend's log lines up to and including the one that mentions `requestId`: the process
 * writes in order, so once that line has arrived, so has everything logged before it.
 */
export async function logsThrough(api: Api, requestId: string, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.logs.some((line) => line.includes(requestId))) return [...api.logs];
    if (Date.now() > deadline) {
      throw new Error(
        `no log line mentions request ${requestId} after ${timeoutMs} ms:\n${api.logs.slice(-20).join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
