// The task API has two implementations that must behave identically: the TypeScript one
// (apps/api, run as its production bundle) and the Python one (backends/fastapi). Both take the
// same environment variables; this starts either on a free port, for the contract suite and
// benchmarks.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Writable } from "node:stream";
import { API_BUNDLE, FASTAPI_DIR } from "./paths.ts";
import { type Env, freePort, type Service, startService, waitForHttp } from "./processes.ts";
import { apiAuthEnv, apiCommand, type Backend, BACKENDS, PYTHON, type TokenIssuer } from "./services.ts";

/** What the FastAPI backend imports; the Debian packages python3-fastapi, -uvicorn, -jwt, -sqlalchemy… */
const FASTAPI_MODULES = ["fastapi", "uvicorn", "jwt", "sqlalchemy"];

/** Whether this machine can run `backend`, and if not, why (one line). */
export function backendUnavailable(backend: Backend): string | null {
  if (backend === "ts") return null;
  if (!existsSync(FASTAPI_DIR)) return "backends/fastapi is not in this checkout";
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (apt-get install python3)`;
  const probe = spawnSync(PYTHON, ["-c", `import ${FASTAPI_MODULES.join(", ")}`], { encoding: "utf8" });
  if (probe.status !== 0) {
    const last = (probe.stderr || probe.error?.message || "").trim().split("\n").at(-1);
    return `${PYTHON} cannot import ${FASTAPI_MODULES.join(", ")} (${last}); apt-get install -y python3-fastapi python3-uvicorn python3-jwt python3-sqlalchemy python3-psycopg2`;
  }
  return null;
}

export interface BackendChoice {
  backends: Backend[];
  /** Backends left out, with the reason (only when neither CONTRACT_BACKENDS nor CI asked for them). */
  skipped: { backend: Backend; reason: string }[];
}

/**
 * The backends to test. CONTRACT_BACKENDS (e.g. `ts,fastapi`) names them exactly; otherwise CI
 * requires every backend and a local run takes those this machine can run. A required backend that
 * cannot run is an error, never a silent skip.
 */
export function chooseBackends(
  env: Env,
  unavailable: (backend: Backend) => string | null = backendUnavailable,
): BackendChoice {
  const listed = env.CONTRACT_BACKENDS?.trim();
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  let required: Backend[];
  if (listed) {
    const names = listed
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !(BACKENDS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `CONTRACT_BACKENDS: unknown backend ${unknown.join(", ")} (known: ${BACKENDS.join(", ")})`,
      );
    }
    required = [...new Set(names as Backend[])];
  } else if (ci) {
    required = [...BACKENDS];
  } else {
    const backends: Backend[] = [];
    const skipped: BackendChoice["skipped"] = [];
    for (const backend of BACKENDS) {
      const reason = unavailable(backend);
      if (reason === null) backends.push(backend);
      else skipped.push({ backend, reason });
    }
    return { backends, skipped };
  }
  const missing = required.flatMap((backend) => {
    const reason = unavailable(backend);
    return reason === null ? [] : [`${backend}: ${reason}`];
  });
  if (missing.length > 0) {
    const why = listed ? `CONTRACT_BACKENDS=${listed}` : "CI=true (set CONTRACT_BACKENDS to choose)";
    throw new Error(
      `The contract suite must run against ${required.join(", ")} (${why}), but\n  ${missing.join("\n  ")}`,
    );
  }
  return { backends: required, skipped: [] };
}

export interface BackendOptions {
  /** A migrated database (the TypeScript migrations create the schema both backends use). */
  databaseUrl: string;
  /** The web app (or stand-in) whose tokens the backend accepts. */
  issuer: TokenIssuer;
  /** Any other variable of the shared configuration (AUTH_*, API_QUOTA_*, LOG_LEVEL…), or overrides. */
  env?: Env;
  /** Label in error messages. */
  name?: string;
  /** Milliseconds to wait for /health (default 60 s: a cold Python start on a busy machine). */
  startTimeoutMs?: number;
}

export interface RunningBackend {
  backend: Backend;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every line the process wrote to stdout and stderr, in order, as written. */
  logs: string[];
  service: Service;
  stop(): Promise<void>;
}

/** Swallows the prefixed copy of the output: tests read `logs` instead of a noisy terminal. */
const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/**
 * Starts a backend on a free port of 127.0.0.1 and waits until `/health` answers. The child sees
 * only the shared configuration (plus PATH, HOME, LANG), never this process's own DATABASE_URL or
 * secrets. The TypeScript backend runs from `apps/api/dist/main.js`: build it first (buildApi).
 *
 * @example
 * const api = await startBackend("fastapi", { databaseUrl, issuer: { publicUrl, audience } });
 * await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
 * await api.stop();
 */
export async function startBackend(backend: Backend, options: BackendOptions): Promise<RunningBackend> {
  if (backend === "ts" && !existsSync(API_BUNDLE)) {
    throw new Error(`${API_BUNDLE} is missing: build it first (npm run build -w @tandem/api)`);
  }
  const port = await freePort();
  const env: Env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: process.env.LANG ?? "C.UTF-8",
    NODE_ENV: "production",
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    ...apiAuthEnv(options.issuer),
    LOG_LEVEL: "info",
    ...options.env,
  };
  const logs: string[] = [];
  const name = options.name ?? backend;
  const service = startService({
    name,
    ...apiCommand(backend, port),
    env,
    stdout: discard(),
    stderr: discard(),
    onLine: (line) => logs.push(line),
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await service.stop(5_000);
  };
  try {
    await waitForHttp(`${url}/health`, { service, timeoutMs: options.startTimeoutMs ?? 60_000 });
  } catch (error) {
    await stop();
    const tail = logs.slice(-30).join("\n");
    throw new Error(`${name} did not start: ${(error as Error).message}\n${tail}`, { cause: error });
  }
  return { backend, url, logs, service, stop };
}
