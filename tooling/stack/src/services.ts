// The services of a stack and how each one's settings follow from the others'. A stack is a list
// of services; each is a command line, an environment derived from one configuration, and the
// URL that answers once it is ready. `npm start`, `npm run dev`, the test suites and the benchmark
// all describe their services with these functions, so a new dev-time service (a mail catcher, an
// identity provider) is one more definition here.
import { join } from "node:path";
import { API_BUNDLE, API_DIR, BIN, FASTAPI_DIR, ROOT, WEB_DIR, WEB_SERVER_BUNDLE } from "./paths.ts";
import type { Env } from "./processes.ts";

/** Debian's interpreter: the `python3` on PATH may be one without the packages. */
export const PYTHON = "/usr/bin/python3";

/**
 * The `node` flags of the API wherever this repository runs it (npm start, tests, benchmark; the
 * API's own `npm start` repeats them): stack traces through source maps, and a larger young
 * generation, which the task list needs (why: docs/decisions/007-list-path-database-tuning.md).
 */
export const API_NODE_FLAGS = ["--enable-source-maps", "--max-semi-space-size=64"];

/** What to run, where: one service's command line. */
export interface Command {
  command: string;
  args: string[];
  cwd: string;
}

/** One service of a stack, ready to start (see startStackService). */
export interface ServiceDefinition extends Command {
  /** Output prefix and error label: `web`, `api`, `api:fastapi`… */
  name: string;
  env: Env;
  /** Answers below 500 once the service is ready (polled after start). */
  readyUrl: string;
  /** How long to wait for `readyUrl` (ms). */
  readyTimeoutMs: number;
}

/**
 * The one place the web app's command line is written: production build (`node dist/server.js`) or
 * development (`next dev`), listening on `port`.
 */
export function webCommand(mode: "start" | "dev", port: number): Command {
  // apps/web/server.ts wraps Next.js to give Better Auth the socket's address (decision 011):
  // bundled by the web build for production, run from source in development.
  const args = [mode, "--port", String(port)];
  return mode === "start"
    ? { command: process.execPath, args: [WEB_SERVER_BUNDLE, ...args], cwd: WEB_DIR }
    : { command: join(BIN, "tsx"), args: ["server.ts", ...args], cwd: WEB_DIR };
}

export const BACKENDS = ["ts", "fastapi"] as const;
/** The task API's two implementations: apps/api (TypeScript) and backends/fastapi (Python). */
export type Backend = (typeof BACKENDS)[number];

/**
 * The task API's command line: the TypeScript bundle under `node` (`bundle` replaces
 * apps/api/dist/main.js, `nodeArgs` adds flags), `tsx watch` on its source in development, or
 * the FastAPI backend under uvicorn on `port` (the TypeScript API reads PORT instead; `fastapiDir`
 * replaces backends/fastapi).
 */
export function apiCommand(
  backend: Backend,
  port: number,
  options: { mode?: "start" | "dev"; bundle?: string; nodeArgs?: string[]; fastapiDir?: string } = {},
): Command {
  if (backend === "fastapi") {
    return {
      command: PYTHON,
      args: [
        "-m",
        "uvicorn",
        "tandem_api.main:app",
        "--app-dir",
        options.fastapiDir ?? FASTAPI_DIR,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
      ],
      cwd: ROOT,
    };
  }
  if (options.mode === "dev") {
    return {
      command: join(BIN, "tsx"),
      args: ["watch", "--clear-screen=false", "src/main.ts"],
      cwd: API_DIR,
    };
  }
  return {
    command: process.execPath,
    args: [...API_NODE_FLAGS, ...(options.nodeArgs ?? []), options.bundle ?? API_BUNDLE],
    cwd: API_DIR,
  };
}

/** What the web app needs to know: who it is, its secret, and where the task API is. */
export interface WebAppSettings {
  /** The public URL: Better Auth's baseURL and the tokens' issuer. */
  publicUrl: string;
  secret: string;
  /** The API's URL as the browser sees it. */
  apiUrl: string;
  /** Where server-side rendering reaches the API (default: `apiUrl`). */
  internalApiUrl?: string | undefined;
  /** The tokens' `aud`; unset leaves the web app's default. */
  audience?: string | undefined;
}

/** The web app's environment for `settings` (the part every stack sets the same way). */
export function webAppEnv(settings: WebAppSettings): Env {
  return {
    BETTER_AUTH_URL: settings.publicUrl,
    BETTER_AUTH_SECRET: settings.secret,
    NEXT_PUBLIC_API_URL: settings.apiUrl,
    API_INTERNAL_URL: settings.internalApiUrl ?? settings.apiUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    ...(settings.audience === undefined ? {} : { API_AUDIENCE: settings.audience }),
  };
}

/** An OpenID Connect provider the web app offers ("Continue with <name>"), and its client there. */
export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}

/** The provider id of the generic OpenID Connect provider, last segment of its callback URL. */
export const OIDC_PROVIDER_ID = "oidc";

/** Where the provider sends the browser back: what the client registers as its redirect URI. */
export function oidcRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/api/auth/callback/${OIDC_PROVIDER_ID}`;
}

/** The web app's environment for an OpenID Connect provider (all four variables, or none). */
export function oidcWebEnv(settings: OidcClientSettings): Env {
  return {
    OIDC_ISSUER: settings.issuer,
    OIDC_CLIENT_ID: settings.clientId,
    OIDC_CLIENT_SECRET: settings.clientSecret,
    OIDC_NAME: settings.name,
  };
}

/** What the API needs to know about the web app that issues its tokens. */
export interface TokenIssuer {
  /** The web app's public URL: Better Auth's baseURL, hence the tokens' `iss`. */
  publicUrl: string;
  /** Where the API fetches the key set (default: `<publicUrl>/api/auth/jwks`). */
  jwksUrl?: string | undefined;
  /** The tokens' `aud`; unset leaves the API's default (which is the web app's default). */
  audience?: string | undefined;
  /** Browser origins the API allows (default: the public URL's origin). */
  origins?: string[] | undefined;
}

/**
 * The one derivation of the API's auth settings from the web app's: it trusts exactly the issuer
 * the web app signs with, fetches the keys from it, expects its audience and allows its origin.
 *
 * @example
 * apiAuthEnv({ publicUrl: "http://localhost:3000", audience: "tandem-api" })
 * // { AUTH_ISSUER: "http://localhost:3000", AUTH_JWKS_URL: "http://localhost:3000/api/auth/jwks",
 * //   WEB_ORIGIN: "http://localhost:3000", AUTH_AUDIENCE: "tandem-api" }
 */
export function apiAuthEnv(issuer: TokenIssuer): Env {
  const origins = issuer.origins ?? [new URL(issuer.publicUrl).origin];
  return {
    AUTH_JWKS_URL: issuer.jwksUrl ?? `${issuer.publicUrl}/api/auth/jwks`,
    AUTH_ISSUER: issuer.publicUrl,
    WEB_ORIGIN: [...new Set(origins.map((origin) => origin.trim()).filter(Boolean))].join(","),
    ...(issuer.audience === undefined ? {} : { AUTH_AUDIENCE: issuer.audience }),
  };
}

/**
 * Only what a child needs to run: the developer's own configuration (a DATABASE_URL, a real
 * secret, an API_AUDIENCE…) must not leak into servers under test or benchmark.
 */
export function baseEnv(): Env {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SYSTEMROOT"];
  return Object.fromEntries(
    keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]),
  );
}
