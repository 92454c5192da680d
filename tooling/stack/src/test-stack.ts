// The servers under test, for the browser tests (apps/web/e2e) and the black-box security suite
// (tests/security): the production builds of the web app (`node dist/server.js`, Next.js behind apps/web/server.ts) and the API
// (`node dist/main.js`) as child processes this code controls, on a migrated SQLite or PostgreSQL
// database of their own. A stack can run more instances of either service on the same database
// and secret (two web instances behind one limiter, an API with other settings), and stop and
// restart any of them on the same port (an outage).
import { randomBytes } from "node:crypto";
import { MailCatcher } from "./mail-catcher.ts";
import { OidcProvider } from "./oidc-provider.ts";
import { type Env, freePort, LineBuffer, type Service, startService, waitForHttp } from "./processes.ts";
import {
  apiAuthEnv,
  apiCommand,
  type Backend,
  baseEnv,
  oidcRedirectUri,
  oidcWebEnv,
  webAppEnv,
  webCommand,
} from "./services.ts";

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
        ...webCommand("start", this.port),
        env: this.env(),
        ...output,
      });
      await waitForHttp(`${this.url}/`, { service: this.#service, timeoutMs: 60_000 });
      // Creates the signing key now rather than in two racing first requests.
      await waitForHttp(`${this.url}/api/auth/jwks`, { service: this.#service, timeoutMs: 30_000 });
    } else {
      this.#service = startService({
        name: this.name,
        ...apiCommand(this.backend, this.port),
        env: this.env(),
        ...output,
      });
      await waitForHttp(`${this.url}/health`, { service: this.#service, timeoutMs: 30_000 });
    }
  }

  /**
   * Stops the process (as an outage would) and waits until its port refuses connections:
   * SIGTERM, then SIGKILL after `graceMs` (a service started with SHUTDOWN_DRAIN_SECONDS waits
   * that long first; teardown need not).
   */
  async stop(graceMs?: number): Promise<void> {
    await this.#service?.stop(graceMs);
    this.#service = undefined;
  }

  /** SIGKILL, as a crash: no drain, no goodbye to open connections. Resolves once it has exited. */
  async kill(): Promise<void> {
    await this.#service?.kill();
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
  /**
   * A mail catcher the web app sends to (default true): `stack.mail`. False runs the web app with
   * EMAIL=off instead.
   */
  mail?: boolean;
  /**
   * A development OpenID Connect provider the web app offers as "Continue with Dev ID" (default
   * false): `stack.oidc`.
   */
  oidc?: boolean;
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
  #mail: MailCatcher | undefined;
  #oidc: OidcProvider | undefined;
  /** The web app's client at the development provider (with `oidc: true`). */
  readonly #oidcClient = { clientId: "tandem-test", clientSecret: randomBytes(24).toString("base64url") };

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

  /** The mail catcher the web app sends to (started with the stack). */
  get mail(): MailCatcher {
    if (this.#mail === undefined) {
      throw new Error(
        this.#options.mail === false
          ? "this stack runs with EMAIL=off (mail: false)"
          : "the stack is not started",
      );
    }
    return this.#mail;
  }

  /** The development OpenID Connect provider the web app signs in with (with `oidc: true`). */
  get oidc(): OidcProvider {
    if (this.#oidc === undefined) {
      throw new Error(
        this.#options.oidc === true ? "the stack is not started" : "this stack has no provider (oidc: true)",
      );
    }
    return this.#oidc;
  }

  #oidcEnv(): Env {
    if (this.#oidc === undefined) return {};
    return oidcWebEnv({ issuer: this.#oidc.issuer, ...this.#oidcClient, name: this.#oidc.name });
  }

  #mailEnv(): Env {
    if (this.#options.mail === false) return { EMAIL: "off" };
    return { SMTP_URL: this.mail.smtpUrl, MAIL_FROM: "Tandem <no-reply@tandem.test>" };
  }

  // Every web instance serves the same public URL (as behind a load balancer): one issuer, one
  // trusted origin.
  #webEnv(overrides: Env): Env {
    return {
      ...baseEnv(),
      DATABASE_URL: this.databaseUrl,
      ...this.#mailEnv(),
      ...this.#oidcEnv(),
      ...webAppEnv({
        publicUrl: this.publicUrl,
        secret: this.secret,
        apiUrl: this.api.url,
        audience: this.audience,
      }),
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
      ...apiAuthEnv({
        publicUrl: this.publicUrl,
        jwksUrl: `${this.web.url}/api/auth/jwks`,
        audience: this.audience,
      }),
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
    if (this.#options.mail !== false) this.#mail ??= await MailCatcher.start();
    if (this.#options.oidc === true && this.#oidc === undefined) {
      this.#oidc = await OidcProvider.start({
        clients: [{ ...this.#oidcClient, redirectUris: [oidcRedirectUri(this.publicUrl)] }],
      });
    }
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
    await this.#mail?.stop();
    this.#mail = undefined;
    await this.#oidc?.stop();
    this.#oidc = undefined;
  }

  /** Output of every instance so far (with `output: "buffer"`), each line prefixed `[web] `, `[api:x] `…. */
  logs(): string[] {
    return this.#output ? [...this.#output.lines] : [];
  }
}
