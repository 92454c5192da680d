// The servers under test: the production builds of the web app (`next start`) and the API
// (`node dist/main.js`) as child processes this code controls, so a test can stop the API and
// bring it back on the same port.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_DIR, BIN, ROOT, WEB_DIR } from "../../../scripts/lib/build.ts";
import {
  type Env,
  runStep,
  type Service,
  startService,
  waitForHttp,
} from "../../../scripts/lib/processes.ts";

/** A migrated SQLite database in a temporary folder of its own. */
export interface TestDatabase {
  url: string;
  remove(): void;
}

// Only what a child needs to run: the developer's own configuration (a DATABASE_URL, a real
// secret, an API_AUDIENCE…) must not leak into the servers under test.
function baseEnv(): Env {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SYSTEMROOT"];
  return Object.fromEntries(
    keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-e2e-"));
  const url = `file:${join(dir, "tandem.db")}`;
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await runStep({
      name: "migrate",
      command: join(BIN, "tsx"),
      args: ["scripts/db-migrate.ts"],
      cwd: ROOT,
      env: { ...baseEnv(), DATABASE_URL: url },
    });
  } catch (error) {
    remove();
    throw error;
  }
  return { url, remove };
}

export interface TestStackOptions {
  name: string;
  databaseUrl: string;
  webPort: number;
  apiPort: number;
  /** Which task API serves the web app: the TypeScript bundle (default) or backends/fastapi. */
  backend?: "ts" | "fastapi";
}

/** The API's command line; both backends read the same environment variables. */
function apiCommand(
  backend: "ts" | "fastapi",
  port: number,
): { command: string; args: string[]; cwd: string } {
  if (backend === "ts") {
    return { command: process.execPath, args: ["--enable-source-maps", "dist/main.js"], cwd: API_DIR };
  }
  const args = ["-m", "uvicorn", "tandem_api.main:app", "--app-dir", "backends/fastapi"];
  return {
    command: "/usr/bin/python3",
    args: [...args, "--host", "127.0.0.1", "--port", String(port)],
    cwd: ROOT,
  };
}

/** A web app and an API wired to each other, as `npm start` wires them, with test settings. */
export class TestStack {
  readonly webUrl: string;
  readonly apiUrl: string;
  readonly #options: TestStackOptions;
  readonly #secret = randomBytes(32).toString("base64url");
  #web: Service | undefined;
  #api: Service | undefined;

  constructor(options: TestStackOptions) {
    this.#options = options;
    this.webUrl = `http://localhost:${options.webPort}`;
    this.apiUrl = `http://localhost:${options.apiPort}`;
  }

  async start(): Promise<void> {
    await Promise.all([this.startWeb(), this.startApi()]);
  }

  async startWeb(): Promise<void> {
    if (this.#web && !this.#web.hasExited()) return;
    this.#web = startService({
      name: this.#options.name === "main" ? "web" : `web:${this.#options.name}`,
      command: join(BIN, "next"),
      args: ["start", "--port", String(this.#options.webPort)],
      cwd: WEB_DIR,
      env: {
        ...baseEnv(),
        BETTER_AUTH_URL: this.webUrl,
        BETTER_AUTH_SECRET: this.#secret,
        DATABASE_URL: this.#options.databaseUrl,
        API_AUDIENCE: "tandem-api",
        // Short-lived tokens so the renewal test can wait one out.
        AUTH_TOKEN_LIFETIME_SECONDS: "10",
        // The suite signs up dozens of users from one IP within seconds; Better Auth's limiter
        // (3 sign-ups per 10 s in production) would turn that into 429s.
        AUTH_RATE_LIMIT: "off",
        NEXT_PUBLIC_API_URL: this.apiUrl,
        API_INTERNAL_URL: this.apiUrl,
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
    await waitForHttp(`${this.webUrl}/`, { service: this.#web, timeoutMs: 60_000 });
    // Creates the signing key now rather than in two racing first requests.
    await waitForHttp(`${this.webUrl}/api/auth/jwks`, { service: this.#web, timeoutMs: 30_000 });
  }

  async startApi(): Promise<void> {
    if (this.#api && !this.#api.hasExited()) return;
    this.#api = startService({
      name: this.#options.name === "main" ? "api" : `api:${this.#options.name}`,
      ...apiCommand(this.#options.backend ?? "ts", this.#options.apiPort),
      env: {
        ...baseEnv(),
        NODE_ENV: "production",
        PORT: String(this.#options.apiPort),
        DATABASE_URL: this.#options.databaseUrl,
        AUTH_JWKS_URL: `${this.webUrl}/api/auth/jwks`,
        AUTH_ISSUER: this.webUrl,
        AUTH_AUDIENCE: "tandem-api",
        WEB_ORIGIN: this.webUrl,
        // Without skew tolerance an expired token really is refused, so the renewal test proves
        // that the browser fetched a new one.
        AUTH_CLOCK_SKEW_SECONDS: "0",
        LOG_LEVEL: "warn",
      },
    });
    await waitForHttp(`${this.apiUrl}/health`, { service: this.#api, timeoutMs: 30_000 });
  }

  /** Stops the API (as an outage would) and waits until its port refuses connections. */
  async stopApi(): Promise<void> {
    await this.#api?.stop();
    this.#api = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([this.#web?.stop(), this.#api?.stop()]);
    this.#web = undefined;
    this.#api = undefined;
  }
}
