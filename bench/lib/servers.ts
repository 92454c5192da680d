// The services under test, from production builds, on loopback ports picked at run time. Their
// output goes to a log file: a pipe read by this process would cost CPU on the cores measured.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  apiAuthEnv,
  apiCommand,
  baseEnv,
  type Env,
  freePort,
  PYTHON,
  type Service,
  startService,
  waitForHttp,
  webAppEnv,
  webCommand,
} from "@tandem/stack";
import { FASTAPI_DIR, ROOT } from "./paths.ts";
import { type Pinning, pinned, tail } from "./proc.ts";

export { baseEnv };

export const AUDIENCE = "tandem-api";
/** A quota high enough never to refuse (the middleware still runs, so its cost is measured). */
export const BENCH_QUOTA = "999999999";

export interface Running {
  name: string;
  url: string;
  server: Service & { pid: number; logFile: string };
}

/** Starts `command` with its output in `<logDir>/<name>.log` and waits until `url + path` answers. */
async function startLogged(
  options: { name: string; command: string; args: string[]; cwd: string; env: Env; logDir: string },
  url: string,
  path: string,
  timeoutMs: number,
): Promise<Running> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const service = startService({ ...options, logFile });
  if (service.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const running = { name: options.name, url, server: { ...service, pid: service.pid, logFile } };
  try {
    await waitForHttp(`${url}${path}`, { service, timeoutMs });
  } catch (error) {
    await service.stop();
    throw new Error(`${options.name}: ${(error as Error).message}:\n${tail(logFile)}`, { cause: error });
  }
  return running;
}

export interface WebOptions {
  name: string;
  databaseUrl: string;
  secret: string;
  /** The API the web app's pages call (server-side and in the browser). */
  apiUrl: string;
  logDir: string;
  /** Another build of apps/web than this checkout's (the --baseline one): its folder. */
  webDir?: string;
}

/** `next start` (the production build) with Better Auth issuing tokens for the API. */
export async function startWeb(options: WebOptions, port?: number): Promise<Running> {
  const webPort = port ?? (await freePort());
  const url = `http://localhost:${webPort}`;
  const env: Env = {
    ...baseEnv(),
    DATABASE_URL: options.databaseUrl,
    ...webAppEnv({ publicUrl: url, secret: options.secret, apiUrl: options.apiUrl, audience: AUDIENCE }),
    // The harness signs up 100+ users from one address within seconds.
    AUTH_RATE_LIMIT: "off",
    // No mail: the harness measures the task path, not verification emails for its users.
    EMAIL: "off",
  };
  const own = webCommand("start", webPort);
  const where =
    options.webDir === undefined
      ? own
      : {
          ...own,
          args: [join(options.webDir, "dist", "server.js"), ...own.args.slice(1)],
          cwd: options.webDir,
        };
  const command = { name: options.name, ...where, env, logDir: options.logDir };
  return startLogged(command, url, "/api/auth/jwks", 90_000);
}

export interface ApiOptions {
  name: string;
  databaseUrl: string;
  webUrl: string;
  pinning: Pinning;
  logDir: string;
  /** Extra variables (AUTH_TOKEN_CACHE, AUTH_REVOCATION_CHECK_SECONDS…). */
  env?: Env;
  /** Another bundle than apps/api/dist/main.js (the --baseline build). */
  bundle?: string;
  port?: number;
  /** Extra node flags (e.g. --cpu-prof) for the TypeScript API. */
  nodeArgs?: string[];
}

function apiEnv(options: ApiOptions, port: number): Env {
  return {
    ...baseEnv(),
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    ...apiAuthEnv({ publicUrl: options.webUrl, audience: AUDIENCE }),
    API_QUOTA_REQUESTS: BENCH_QUOTA,
    ...options.env,
  };
}

/** The TypeScript API's bundle (or the FastAPI backend) pinned to the server core. */
async function startBackend(
  backend: "ts" | "fastapi",
  options: ApiOptions,
  timeoutMs: number,
): Promise<Running> {
  const port = options.port ?? (await freePort());
  const { command, args, cwd } = apiCommand(backend, port, {
    ...(options.bundle === undefined ? {} : { bundle: options.bundle }),
    ...(options.nodeArgs === undefined ? {} : { nodeArgs: options.nodeArgs }),
    fastapiDir: FASTAPI_DIR,
  });
  const [pinnedCommand, pinnedArgs] = pinned(options.pinning.server, command, args);
  const definition = {
    name: options.name,
    command: pinnedCommand,
    args: pinnedArgs,
    cwd,
    env: apiEnv(options, port),
    logDir: options.logDir,
  };
  return startLogged(definition, `http://127.0.0.1:${port}`, "/health", timeoutMs);
}

/** The TypeScript API's bundle under `node`, pinned to the server core. */
export function startApi(options: ApiOptions): Promise<Running> {
  return startBackend("ts", options, 30_000);
}

/** The FastAPI backend under uvicorn (one worker, its defaults), pinned to the server core. */
export function startFastApi(options: ApiOptions): Promise<Running> {
  return startBackend("fastapi", options, 60_000);
}

/** Why the FastAPI backend cannot run here, or null when it can. */
export function fastApiMissing(): string | null {
  if (!existsSync(join(FASTAPI_DIR, "tandem_api", "main.py"))) {
    return "backends/fastapi/tandem_api/main.py is not in this checkout";
  }
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  return null;
}

// The control servers: no logging, no database, no middleware. The node:http one is the machine's
// noise floor; the Hono one is the framework alone, so Tandem's /health ÷ it prices Tandem's own layers.
const CONTROL_SOURCE = {
  http: `require("node:http").createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
}).listen(Number(process.env.PORT), "127.0.0.1");`,
  hono: `const { Hono } = require("hono");
const { serve } = require("@hono/node-server");
const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });`,
  // node:http spending BUSY_US µs of CPU on every request, then answering a body the size of a list
  // page: what the machine, Node and wrk do to the tail at a route's cost, with no Tandem code.
  busy: `const spin = Number(process.env.BUSY_US) / 1000;
const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: "t".repeat(32) + i,
  title: "Benchmark task", description: "d".repeat(150), completed: false, priority: "high",
  createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() })), nextCursor: null });
require("node:http").createServer((req, res) => {
  const until = performance.now() + spin;
  while (performance.now() < until);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(body);
}).listen(Number(process.env.PORT), "127.0.0.1");`,
};

export type ControlKind = keyof typeof CONTROL_SOURCE;

/**
 * A control server on the server core (scenarios.ts): bare node:http answering `/`, or a bare Hono
 * app on @hono/node-server answering `/health` with Tandem's body. Started from the repository
 * root so `hono` resolves from the workspace's node_modules, the same copy the API bundles.
 */
export async function startControl(
  pinning: Pinning,
  logDir: string,
  kind: ControlKind = "http",
  env: Env = {},
): Promise<Running> {
  const port = await freePort();
  const [command, args] = pinned(pinning.server, process.execPath, ["-e", CONTROL_SOURCE[kind]]);
  const name = kind === "http" ? "control" : `control-${kind}`;
  const definition = {
    name,
    command,
    args,
    cwd: kind === "hono" ? ROOT : logDir,
    env: { ...baseEnv(), ...env, PORT: String(port) },
    logDir,
  };
  return startLogged(definition, `http://127.0.0.1:${port}`, kind === "hono" ? "/health" : "/", 10_000);
}
