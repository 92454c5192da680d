// The services under test, from production builds, on loopback ports picked at run time.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { API_NODE_FLAGS, backendCommand, PYTHON } from "../../scripts/lib/backends.ts";
import { webServerCommand } from "../../scripts/lib/build.ts";
import { API_DIR, FASTAPI_DIR, FASTAPI_ROOT, WEB_DIR } from "./paths.ts";
import { type Env, type Pinning, pinned, type Server, startServer, tail } from "./proc.ts";

export const AUDIENCE = "tandem-api";
/** A quota high enough never to refuse (the middleware still runs, so its cost is measured). */
export const BENCH_QUOTA = "999999999";

// Only what a child needs: the developer's own configuration must not leak into the servers.
export function baseEnv(): Env {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ"];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

/** A port the system has just handed out (the harness never uses fixed ports). */
export function randomPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  name: string;
  url: string;
  server: Server;
}

async function waitUntilUp(running: Running, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (running.server.hasExited()) {
      throw new Error(`${running.name} exited during start-up:\n${tail(running.server.logFile)}`);
    }
    try {
      const response = await fetch(`${running.url}${path}`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.server.stop();
      throw new Error(
        `${running.name} did not answer within ${timeoutMs} ms:\n${tail(running.server.logFile)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface WebOptions {
  name: string;
  databaseUrl: string;
  secret: string;
  /** The API the web app's pages call (server-side and in the browser). */
  apiUrl: string;
  logDir: string;
}

/** `next start` (the production build) with Better Auth issuing tokens for the API. */
export async function startWeb(options: WebOptions, port?: number): Promise<Running> {
  const webPort = port ?? (await randomPort());
  const url = `http://localhost:${webPort}`;
  const server = startServer({
    name: options.name,
    ...webServerCommand("start", webPort),
    cwd: WEB_DIR,
    logFile: join(options.logDir, `${options.name}.log`),
    env: {
      ...baseEnv(),
      BETTER_AUTH_URL: url,
      BETTER_AUTH_SECRET: options.secret,
      DATABASE_URL: options.databaseUrl,
      API_AUDIENCE: AUDIENCE,
      // The harness signs up 100+ users from one address within seconds.
      AUTH_RATE_LIMIT: "off",
      NEXT_PUBLIC_API_URL: options.apiUrl,
      API_INTERNAL_URL: options.apiUrl,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const running = { name: options.name, url, server };
  await waitUntilUp(running, "/api/auth/jwks", 90_000);
  return running;
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
    AUTH_JWKS_URL: `${options.webUrl}/api/auth/jwks`,
    AUTH_ISSUER: options.webUrl,
    AUTH_AUDIENCE: AUDIENCE,
    WEB_ORIGIN: options.webUrl,
    API_QUOTA_REQUESTS: BENCH_QUOTA,
    ...options.env,
  };
}

/** The TypeScript API's bundle under `node`, pinned to the server core. */
export async function startApi(options: ApiOptions): Promise<Running> {
  const port = options.port ?? (await randomPort());
  const [command, args] = pinned(options.pinning.server, process.execPath, [
    ...API_NODE_FLAGS,
    ...(options.nodeArgs ?? []),
    options.bundle ?? join(API_DIR, "dist", "main.js"),
  ]);
  const server = startServer({
    name: options.name,
    command,
    args,
    cwd: API_DIR,
    logFile: join(options.logDir, `${options.name}.log`),
    env: apiEnv(options, port),
  });
  const running = { name: options.name, url: `http://127.0.0.1:${port}`, server };
  await waitUntilUp(running, "/health", 30_000);
  return running;
}

/** Why the FastAPI backend cannot run here, or null when it can. */
export function fastApiMissing(): string | null {
  if (!existsSync(join(FASTAPI_DIR, "tandem_api", "main.py"))) {
    return "backends/fastapi/tandem_api/main.py is not in this checkout";
  }
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  return null;
}

/** The FastAPI backend under uvicorn (one worker, its defaults), pinned to the server core. */
export async function startFastApi(options: ApiOptions): Promise<Running> {
  const port = options.port ?? (await randomPort());
  const uvicorn = backendCommand("fastapi", port);
  const [command, args] = pinned(options.pinning.server, uvicorn.command, uvicorn.args);
  const server = startServer({
    name: options.name,
    command,
    args,
    cwd: FASTAPI_ROOT,
    logFile: join(options.logDir, `${options.name}.log`),
    env: apiEnv(options, port),
  });
  const running = { name: options.name, url: `http://127.0.0.1:${port}`, server };
  await waitUntilUp(running, "/health", 60_000);
  return running;
}

// The control server: plain node:http, no framework, no logging, no database.
const CONTROL_SOURCE = `require("node:http").createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
}).listen(Number(process.env.PORT), "127.0.0.1");`;

/** A bare node:http server on the server core: the machine's noise floor (scenarios.ts). */
export async function startControl(pinning: Pinning, logDir: string): Promise<Running> {
  const port = await randomPort();
  const [command, args] = pinned(pinning.server, process.execPath, ["-e", CONTROL_SOURCE]);
  const server = startServer({
    name: "control",
    command,
    args,
    cwd: logDir,
    logFile: join(logDir, "control.log"),
    env: { ...baseEnv(), PORT: String(port) },
  });
  const running = { name: "control", url: `http://127.0.0.1:${port}`, server };
  await waitUntilUp(running, "/", 10_000);
  return running;
}
