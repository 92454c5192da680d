// The reference topology of deploy/ (HAProxy in front of 2 web and 2 API instances on one
// PostgreSQL), started on loopback ports for `npm run test:topology`.
//
// INTERFACE AGREED BETWEEN THE HARNESS AND THE FAULT TESTS: keep the exported names and shapes.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  apiAuthEnv,
  baseEnv,
  type Env,
  freePort,
  LineBuffer,
  migrate,
  ROOT,
  type Service,
  StackService,
  startService,
  waitForHttp,
  webAppEnv,
} from "@tandem/stack";

export interface TopologyOptions {
  /** The PostgreSQL database every instance shares (migrated by startTopology). */
  databaseUrl: string;
  /** Extra environment for every web / API instance (e.g. AUTH_TOKEN_LIFETIME_SECONDS). */
  web?: Env;
  api?: Env;
  /** Instances of each kind (default 2). */
  webInstances?: number;
  apiInstances?: number;
  /** `inherit` (default) prints prefixed output; `buffer` keeps it for `logs()`. */
  output?: "inherit" | "buffer";
}

/** One web or API process behind the balancer, on a port it keeps across restarts. */
export interface Instance {
  readonly kind: "web" | "api";
  /** HAProxy's server name in deploy/haproxy.cfg: web1, web2, api1, api2. */
  readonly name: string;
  /** Its own address, bypassing the balancer. */
  readonly url: string;
  /** Its metrics endpoint (METRICS_PORT is set on every instance): `http://127.0.0.1:<port>/metrics`. */
  readonly metricsUrl: string;
  readonly running: boolean;
  /** Starts it (again) and waits until it answers /ready. */
  start(): Promise<void>;
  /** SIGTERM, as a deploy does; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; resolves once the process has exited. */
  kill(): Promise<void>;
}

export type ServerState = "UP" | "DOWN" | "MAINT" | "DRAIN" | "NOLB" | string;

export interface Topology {
  /** The balancer's web frontend: the public URL (BETTER_AUTH_URL) of every web instance. */
  readonly webUrl: string;
  /** The balancer's API frontend: what browsers and the web servers call (API_INTERNAL_URL). */
  readonly apiUrl: string;
  readonly web: Instance[];
  readonly api: Instance[];
  /** BETTER_AUTH_SECRET shared by the web instances. */
  readonly secret: string;
  readonly databaseUrl: string;
  /** HAProxy's stats page (`<statsUrl>;csv` for the CSV). */
  readonly statsUrl: string;
  /** HAProxy's view of one server, from its stats (e.g. "UP", "DOWN", "UP 1/2"). */
  serverState(instance: Instance): Promise<ServerState>;
  /** Waits (bounded) until HAProxy reports the server UP (or DOWN); throws on timeout. */
  waitForState(instance: Instance, state: "UP" | "DOWN", timeoutMs?: number): Promise<void>;
  /** Output lines so far (with `output: "buffer"`), each prefixed `[web1] `, `[haproxy] `…. */
  logs(): string[];
  /** Stops HAProxy and every instance. */
  stop(): Promise<void>;
}

/** Where deploy/'s configuration is: the test runs the file an operator copies. */
export const HAPROXY_CONFIG = join(ROOT, "deploy", "haproxy.cfg");
export const HAPROXY = "/usr/sbin/haproxy";
/** The one line a run without HAProxy fails with. */
export const HAPROXY_MISSING = "HAProxy is not installed: apt-get install -y haproxy";

const AUDIENCE = "tandem-api";
/** Every instance drains this long after SIGTERM (deploy/haproxy.cfg explains the number). */
const DRAIN_SECONDS = "2";
/** Bounds: starting an instance on a busy 2-core machine, and HAProxy's rise 2 × inter 500 ms. */
const START_TIMEOUT_MS = 60_000;
const STATE_TIMEOUT_MS = 15_000;
/** SIGTERM grace: twice the drain (it runs on while requests arrive), SHUTDOWN_TIMEOUT_SECONDS (10) and a margin. */
const STOP_GRACE_MS = 16_000;

class TopologyInstance implements Instance {
  readonly url: string;
  readonly metricsUrl: string;

  constructor(
    private readonly service: StackService,
    readonly name: string,
    readonly metricsPort: number,
  ) {
    this.url = service.url;
    this.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  }
  get kind(): "web" | "api" {
    return this.service.kind;
  }
  get port(): number {
    return this.service.port;
  }
  get running(): boolean {
    return this.service.running;
  }
  async start(): Promise<void> {
    await this.service.start();
    // HAProxy's health check wants a 200 (waitForHttp settles for anything below 500).
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = "no answer";
    while (Date.now() < deadline) {
      const status = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
        async (response) => (await response.body?.cancel(), response.status),
        () => undefined,
      );
      if (status === 200) return;
      if (status !== undefined) last = String(status);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name}: GET ${this.url}/ready did not answer 200 (last: ${last})`);
  }
  stop(): Promise<void> {
    return this.service.stop(STOP_GRACE_MS);
  }
  kill(): Promise<void> {
    return this.service.kill();
  }
}

/** HAProxy's `status` column for `backend/server`, from the CSV stats. */
async function readState(statsUrl: string, backend: string, server: string): Promise<ServerState> {
  const response = await fetch(`${statsUrl};csv`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`HAProxy stats: ${response.status}`);
  const [header = "", ...rows] = (await response.text()).split("\n");
  const columns = header.replace(/^# /, "").split(",");
  const status = columns.indexOf("status");
  for (const row of rows) {
    const cells = row.split(",");
    if (cells[0] === backend && cells[1] === server) return cells[status] ?? "";
  }
  throw new Error(`HAProxy stats have no server ${backend}/${server}`);
}

/**
 * Migrates `databaseUrl`, starts the web instances (one after the other: the first creates the
 * signing key) and the API instances, then HAProxy with deploy/haproxy.cfg on loopback ports, and
 * waits until HAProxy reports every server UP. On any failure, stops what it started.
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  if (!existsSync(HAPROXY)) throw new Error(HAPROXY_MISSING);
  await migrate(options.databaseUrl);

  const output = options.output === "buffer" ? new LineBuffer(20_000) : undefined;
  const streams = output ? { stdout: output, stderr: output } : {};
  const [webPort, apiPort, statsPort] = [await freePort(), await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const statsUrl = `http://127.0.0.1:${statsPort}/stats`;
  const secret = randomBytes(32).toString("base64url");

  const common = (metricsPort: number): Env => ({
    ...baseEnv(),
    DATABASE_URL: options.databaseUrl,
    METRICS_PORT: String(metricsPort),
    SHUTDOWN_DRAIN_SECONDS: DRAIN_SECONDS,
  });
  const webEnv = (metricsPort: number): Env => ({
    ...common(metricsPort),
    EMAIL: "off",
    // HAProxy replaces X-Real-IP with the client's address (deploy/haproxy.cfg).
    TRUST_PROXY: "x-real-ip",
    ...webAppEnv({ publicUrl: webUrl, secret, apiUrl, audience: AUDIENCE }),
    ...options.web,
  });
  const apiEnv = (port: number, metricsPort: number): Env => ({
    ...common(metricsPort),
    NODE_ENV: "production",
    PORT: String(port),
    ...apiAuthEnv({ publicUrl: webUrl, jwksUrl: `${webUrl}/api/auth/jwks`, audience: AUDIENCE }),
    API_QUOTA_STORE: "database",
    LOG_LEVEL: "warn",
    ...options.api,
  });

  const make = async (kind: "web" | "api", index: number): Promise<TopologyInstance> => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const name = `${kind}${index + 1}`;
    const env = () => (kind === "web" ? webEnv(metricsPort) : apiEnv(port, metricsPort));
    return new TopologyInstance(new StackService(kind, name, port, env, "ts", output), name, metricsPort);
  };
  const web: TopologyInstance[] = [];
  const api: TopologyInstance[] = [];
  for (let i = 0; i < (options.webInstances ?? 2); i++) web.push(await make("web", i));
  for (let i = 0; i < (options.apiInstances ?? 2); i++) api.push(await make("api", i));

  // deploy/haproxy.cfg names two servers per backend; a smaller topology points the missing one
  // at the first instance's address so the file runs unchanged.
  const address = (list: TopologyInstance[], index: number) =>
    `127.0.0.1:${(list[index] ?? list[0])?.port ?? 1}`;
  const socketDir = mkdtempSync(join(tmpdir(), "tandem-haproxy-"));
  let haproxy: Service | undefined;

  const stop = async () => {
    // The balancer first: nothing new reaches an instance that is going away.
    await haproxy?.stop(2_000);
    await Promise.all([...web, ...api].map((instance) => instance.stop()));
    rmSync(socketDir, { recursive: true, force: true });
  };

  const serverState = (instance: Instance) => readState(statsUrl, instance.kind, instance.name);
  const waitForState = async (instance: Instance, state: "UP" | "DOWN", timeoutMs = STATE_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    let last: ServerState = "(no answer)";
    while (Date.now() < deadline) {
      if (haproxy?.hasExited()) throw new Error("HAProxy exited");
      last = await serverState(instance).catch((error: unknown) => String(error));
      if (last === state) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `HAProxy did not report ${instance.name} ${state} within ${timeoutMs} ms (last: ${last})`,
    );
  };

  try {
    // The instances first, so HAProxy's first checks find them ready (no "no server available"
    // alerts); the API fetches the key set through the balancer only on its first token.
    for (const instance of web) await instance.start();
    await Promise.all(api.map((instance) => instance.start()));
    haproxy = startService({
      name: "haproxy",
      command: HAPROXY,
      args: ["-f", HAPROXY_CONFIG, "-db"],
      cwd: ROOT,
      env: {
        ...baseEnv(),
        WEB_BIND: `127.0.0.1:${webPort}`,
        API_BIND: `127.0.0.1:${apiPort}`,
        STATS_BIND: `127.0.0.1:${statsPort}`,
        STATS_SOCKET: join(socketDir, "admin.sock"),
        WEB1_ADDR: address(web, 0),
        WEB2_ADDR: address(web, 1),
        API1_ADDR: address(api, 0),
        API2_ADDR: address(api, 1),
      },
      ...streams,
    });
    await waitForHttp(statsUrl, { service: haproxy, timeoutMs: 10_000 });
    for (const instance of [...web, ...api]) await waitForState(instance, "UP");
  } catch (error) {
    await stop();
    // A topology that does not start fails the file in beforeAll, where no test's failure hook
    // prints the kept output: the error carries it.
    const tail = output?.lines.slice(-60) ?? [];
    if (tail.length === 0) throw error;
    throw new Error(`${String(error)}\nLast output of the topology:\n${tail.join("\n")}`, {
      cause: error,
    });
  }

  return {
    webUrl,
    apiUrl,
    web,
    api,
    secret,
    databaseUrl: options.databaseUrl,
    statsUrl,
    serverState,
    waitForState,
    logs: () => (output ? [...output.lines] : []),
    stop,
  };
}
