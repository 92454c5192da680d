// The servers under test, for the browser tests (apps/web/e2e) and the black-box security suite
// (tests/security): the production builds of the web app (`next start`) and the API
// (`node dist/main.js`) as child processes this code controls, on a migrated SQLite or PostgreSQL
// database of their own. A stack can run more instances of either service on the same database
// and secret (two web instances behind one limiter, an API with other settings), and stop and
// restart any of them on the same port (an outage).
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Backend, backendCommand } from "./backends.ts";
import { BIN, ROOT, WEB_DIR, webServerCommand } from "./build.ts";
import { type Env, freePort, runStep, type Service, startService, waitForHttp } from "./processes.ts";

export type StackDialect = "sqlite" | "postgres";

/** A migrated database private to one stack. */
export interface StackDatabase {
  dialect: StackDialect;
  url: string;
  /** Deletes it (the SQLite folder, or DROP DATABASE … WITH (FORCE)). Idempotent. */
  remove(): Promise<void>;
}

// Only what a child needs to run: the developer's own configuration (a DATABASE_URL, a real
// secret, an API_AUDIENCE…) must not leak into the servers under test.
function baseEnv(): Env {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SYSTEMROOT"];
  return Object.fromEntries(
    keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
}

async function migrate(url: string): Promise<void> {
  await runStep({
    name: "migrate",
    command: join(BIN, "tsx"),
    args: ["scripts/db-migrate.ts"],
    cwd: ROOT,
    env: { ...baseEnv(), DATABASE_URL: url },
    stdout: new LineBuffer(),
  });
}

async function withPostgres(
  adminUrl: string,
  work: (query: (text: string) => Promise<unknown>) => Promise<unknown>,
): Promise<void> {
  // Loaded only for PostgreSQL runs; `pg` is plain JavaScript, so this works under any loader.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work((text) => client.query(text));
  } finally {
    await client.end();
  }
}

export interface StackDatabaseOptions {
  /** An administrator connection (e.g. TEST_DATABASE_URL); required for PostgreSQL. */
  adminUrl?: string | undefined;
  /**
   * The URL of a migrated database of the same dialect to copy instead of migrating (a file
   * copy, or CREATE DATABASE … TEMPLATE): much faster when a run needs many databases.
   */
  template?: string | undefined;
}

/**
 * A fresh migrated database: a SQLite file in a temporary folder, or a PostgreSQL database
 * created for it through `adminUrl`.
 */
export async function createStackDatabase(
  dialect: StackDialect = "sqlite",
  { adminUrl, template }: StackDatabaseOptions = {},
): Promise<StackDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tandem-stack-"));
    const remove = async () => rmSync(dir, { recursive: true, force: true });
    const path = join(dir, "tandem.db");
    try {
      // The template was closed after migrating, so its main file holds everything (no WAL).
      if (template) copyFileSync(template.replace(/^file:/, ""), path);
      else await migrate(`file:${path}`);
    } catch (error) {
      await remove();
      throw error;
    }
    return { dialect, url: `file:${path}`, remove };
  }
  if (!adminUrl) throw new Error("A PostgreSQL stack needs an administrator URL (TEST_DATABASE_URL)");
  const name = `tandem_stack_${process.pid.toString(36)}_${randomBytes(5).toString("hex")}`;
  const from = template ? ` TEMPLATE "${decodeURIComponent(new URL(template).pathname.slice(1))}"` : "";
  await withPostgres(adminUrl, (query) => query(`CREATE DATABASE "${name}"${from}`));
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await withPostgres(adminUrl, (query) => query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    if (!template) await migrate(url.toString());
  } catch (error) {
    await remove();
    throw error;
  }
  return { dialect, url: url.toString(), remove };
}

/** Keeps a service's output lines in memory (the newest `limit`) instead of printing them. */
class LineBuffer extends Writable {
  readonly lines: string[] = [];
  constructor(private readonly limit = 5000) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
    done();
  }
}

/** One web or API process of a stack, on a port it keeps across restarts. */
export class StackService {
  readonly url: string;
  #service: Service | undefined;

  constructor(
    readonly kind: "web" | "api",
    readonly name: string,
    readonly port: number,
    private readonly env: () => Env,
    private readonly backend: Backend,
    private readonly output: LineBuffer | undefined,
  ) {
    this.url = `http://localhost:${port}`;
  }

  get running(): boolean {
    return this.#service !== undefined && !this.#service.hasExited();
  }

  async start(): Promise<void> {
    if (this.running) return;
    const output = this.output ? { stdout: this.output, stderr: this.output } : {};
    if (this.kind === "web") {
      this.#service = startService({
        name: this.name,
        ...webServerCommand("start", this.port),
        cwd: WEB_DIR,
        env: this.env(),
        ...output,
      });
      await waitForHttp(`${this.url}/`, { service: this.#service, timeoutMs: 60_000 });
      // Creates the signing key now rather than in two racing first requests.
      await waitForHttp(`${this.url}/api/auth/jwks`, { service: this.#service, timeoutMs: 30_000 });
    } else {
      this.#service = startService({
        name: this.name,
        ...backendCommand(this.backend, this.port),
        cwd: ROOT,
        env: this.env(),
        ...output,
      });
      await waitForHttp(`${this.url}/health`, { service: this.#service, timeoutMs: 30_000 });
    }
  }

  /**
   * Stops the process (as an outage would) and waits until its port refuses connections:
   * SIGTERM, then SIGKILL after `graceMs` (`next start` takes seconds to drain idle keep-alive
   * connections; teardown need not wait for that).
   */
  async stop(graceMs?: number): Promise<void> {
    await this.#service?.stop(graceMs);
    this.#service = undefined;
  }
}

export interface TestStackOptions {
  /** Labels output lines: `[web:<name>]`; "main" gives plain `[web]` / `[api]`. */
  name: string;
  databaseUrl: string;
  /** Default: free ports the system picks. */
  webPort?: number;
  apiPort?: number;
  /**
   * The web app's public URL (BETTER_AUTH_URL: the tokens' issuer, the trusted origin, the API's
   * WEB_ORIGIN) when it differs from where it listens, e.g. `https://…` for Secure cookies.
   */
  publicUrl?: string;
  /** Extra or overriding environment for the web app and the API (e.g. AUTH_RATE_LIMIT, TRUST_PROXY). */
  web?: Env;
  api?: Env;
  /** Which task API serves the web app: the TypeScript bundle (default) or backends/fastapi. */
  backend?: Backend;
  /** `inherit` (default) prints the services' output prefixed; `buffer` keeps it for `logs()`. */
  output?: "inherit" | "buffer";
}

/** A web app and an API wired to each other, as `npm start` wires them, with test settings. */
export class TestStack {
  /** BETTER_AUTH_SECRET of every web instance: tests may run Better Auth on the same database. */
  readonly secret = randomBytes(32).toString("base64url");
  readonly audience = "tandem-api";
  readonly databaseUrl: string;
  readonly web: StackService;
  readonly api: StackService;
  readonly #options: TestStackOptions;
  readonly #services: StackService[] = [];
  readonly #output: LineBuffer | undefined;

  constructor(options: TestStackOptions & { webPort: number; apiPort: number }) {
    this.#options = options;
    this.databaseUrl = options.databaseUrl;
    this.#output = options.output === "buffer" ? new LineBuffer() : undefined;
    const label = (kind: string) => (options.name === "main" ? kind : `${kind}:${options.name}`);
    this.web = this.#add("web", label("web"), options.webPort, {});
    this.api = this.#add("api", label("api"), options.apiPort, {});
  }

  /** A stack on free ports, started. */
  static async start(options: TestStackOptions): Promise<TestStack> {
    const stack = new TestStack({
      ...options,
      webPort: options.webPort ?? (await freePort()),
      apiPort: options.apiPort ?? (await freePort()),
    });
    try {
      await stack.start();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get webUrl(): string {
    return this.web.url;
  }
  get apiUrl(): string {
    return this.api.url;
  }
  /** The tokens' issuer and the origin browsers use. */
  get publicUrl(): string {
    return this.#options.publicUrl ?? this.web.url;
  }

  // Every web instance serves the same public URL (as behind a load balancer): one issuer, one
  // trusted origin.
  #webEnv(overrides: Env): Env {
    return {
      ...baseEnv(),
      BETTER_AUTH_URL: this.publicUrl,
      BETTER_AUTH_SECRET: this.secret,
      DATABASE_URL: this.databaseUrl,
      API_AUDIENCE: this.audience,
      NEXT_PUBLIC_API_URL: this.api.url,
      API_INTERNAL_URL: this.api.url,
      NEXT_TELEMETRY_DISABLED: "1",
      ...this.#options.web,
      ...overrides,
    };
  }

  #apiEnv(port: number, overrides: Env): Env {
    return {
      ...baseEnv(),
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: this.databaseUrl,
      AUTH_JWKS_URL: `${this.web.url}/api/auth/jwks`,
      AUTH_ISSUER: this.publicUrl,
      AUTH_AUDIENCE: this.audience,
      WEB_ORIGIN: new URL(this.publicUrl).origin,
      LOG_LEVEL: "warn",
      ...this.#options.api,
      ...overrides,
    };
  }

  #add(kind: "web" | "api", name: string, port: number, overrides: Env): StackService {
    const env = () => (kind === "web" ? this.#webEnv(overrides) : this.#apiEnv(port, overrides));
    const service = new StackService(kind, name, port, env, this.#options.backend ?? "ts", this.#output);
    this.#services.push(service);
    return service;
  }

  /**
   * Another web or API instance on this stack's database and secret, started. `overrides` adds
   * to the stack's own settings for that kind (e.g. another AUTH_KEY_GRACE_SECONDS, or an
   * AUTH_JWKS_URL pointing at another web instance).
   */
  async addService(kind: "web" | "api", name: string, overrides: Env = {}): Promise<StackService> {
    const service = this.#add(kind, `${kind}:${name}`, await freePort(), overrides);
    await service.start();
    return service;
  }

  async start(): Promise<void> {
    await Promise.all([this.web.start(), this.api.start()]);
  }

  /** The main web app and API; compatible with the browser tests' outage helpers. */
  startWeb = (): Promise<void> => this.web.start();
  stopWeb = (): Promise<void> => this.web.stop();
  startApi = (): Promise<void> => this.api.start();
  stopApi = (): Promise<void> => this.api.stop();

  /** Stops every instance (see StackService.stop for `graceMs`). */
  async stop(graceMs?: number): Promise<void> {
    await Promise.all(this.#services.map((service) => service.stop(graceMs)));
  }

  /** Output of every instance so far (with `output: "buffer"`), each line prefixed `[web] `, `[api:x] `…. */
  logs(): string[] {
    return this.#output ? [...this.#output.lines] : [];
  }
}
