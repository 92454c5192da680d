// One configuration → every service's environment, for `npm start` and `npm run dev`: the
// variables a user sets (or none) become the web app's and the API's settings, which always agree.
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { resolveAuthSecret } from "@tandem/auth";
import { ROOT } from "./paths.ts";
import type { Env } from "./processes.ts";
import {
  apiAuthEnv,
  apiCommand,
  oidcRedirectUri,
  oidcWebEnv,
  type ServiceDefinition,
  webAppEnv,
  webCommand,
} from "./services.ts";

/** A configuration problem, reported as one line before anything starts. */
export class StackError extends Error {}

export interface Stack {
  webPort: number;
  apiPort: number;
  /** The web app's public URL (Better Auth's baseURL and the tokens' issuer). */
  webUrl: string;
  /** The API's URL as the browser sees it. */
  apiUrl: string;
  databaseUrl: string | undefined;
  secretSource: string;
  webEnv: Env;
  apiEnv: Env;
  /** The services to start, in order of the banner: the web app, then the API. */
  services: ServiceDefinition[];
  /**
   * The development mail catcher to run beside them (no SMTP_URL, email on, not production), or
   * null; `email` says where mail goes, for the banner (never with credentials).
   */
  mailCatcher: { smtpPort: number; httpPort: number } | null;
  email: string;
  /**
   * The development OpenID Connect provider to run beside them (`npm run dev` without OIDC_ISSUER,
   * not production, OIDC_DEV_PROVIDER not off), or null; `signInProviders` describes the
   * configured providers for the banner.
   */
  oidcProvider: DevOidcProvider | null;
  signInProviders: string;
}

/** The development provider's port, and the one client it knows: the web app. */
export interface DevOidcProvider {
  port: number;
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

function port(source: Env, name: string, fallback: number): number {
  const raw = source[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || value < 1 || value > 65535)
    throw new StackError(`${name} must be a port number, got "${raw}"`);
  return value;
}

function httpUrl(source: Env, name: string, fallback: string): string {
  const raw = source[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StackError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new StackError(`${name} must be an http(s) URL, got "${raw}"`);
  // One spelling for both services: the API compares the token's issuer to this string exactly.
  return raw.replace(/\/+$/, "");
}

/** The auth secret: given, or (outside production only) generated once into data/auth-secret. */
function authSecret(source: Env): { secret: string; from: string } {
  const devFile = join(ROOT, "data", "auth-secret");
  try {
    const { secret, generated } = resolveAuthSecret({
      given: source.BETTER_AUTH_SECRET,
      production: source.NODE_ENV === "production",
      devFile,
    });
    const from = generated
      ? `${devFile.slice(ROOT.length + 1)} (generated once, git-ignored)`
      : "BETTER_AUTH_SECRET";
    return { secret, from };
  } catch (error) {
    throw new StackError((error as Error).message);
  }
}

/**
 * Derives both services' environments from one set of variables, so they always agree: the API
 * trusts exactly the issuer the web app signs with, fetches keys from it, and allows its origin.
 */
export function resolveStack(source: Env, mode: "start" | "dev"): Stack {
  const webPort = port(source, "WEB_PORT", 3000);
  const apiPort = port(source, "API_PORT", 8000);
  if (webPort === apiPort) throw new StackError(`WEB_PORT and API_PORT are both ${webPort}`);
  const webUrl = httpUrl(source, "BETTER_AUTH_URL", `http://localhost:${webPort}`);
  const apiUrl = httpUrl(source, "NEXT_PUBLIC_API_URL", `http://localhost:${apiPort}`);
  const { secret, from } = authSecret(source);
  const mail = mailSettings(source, [webPort, apiPort]);
  const oidc = oidcSettings(source, mode, webUrl, [webPort, apiPort, ...mailPorts(mail.catcher)]);

  // `file:` paths are relative to the working directory; both children run elsewhere.
  let databaseUrl = source.DATABASE_URL || undefined;
  if (databaseUrl?.startsWith("file:") && !databaseUrl.startsWith("file:/")) {
    databaseUrl = `file:${resolve(databaseUrl.slice("file:".length))}`;
  }
  const audience = source.API_AUDIENCE || source.AUTH_AUDIENCE || undefined;
  const shared: Env = { ...source };
  delete shared.PORT; // ambiguous between the two services: WEB_PORT and API_PORT instead
  if (databaseUrl !== undefined) shared.DATABASE_URL = databaseUrl;

  const webEnv: Env = {
    ...shared,
    ...mail.webEnv,
    ...oidc.webEnv,
    ...webAppEnv({
      publicUrl: webUrl,
      secret,
      apiUrl,
      // Server-side rendering reaches the API beside it directly, whatever the public URL is.
      internalApiUrl: source.API_INTERNAL_URL || `http://localhost:${apiPort}`,
      audience,
    }),
  };
  delete webEnv.NODE_ENV; // the web server sets production for start, development for dev

  const apiEnv: Env = {
    ...shared,
    NODE_ENV: mode === "start" ? "production" : "development",
    PORT: String(apiPort),
    ...apiAuthEnv({
      publicUrl: webUrl,
      // The key set is public; fetch it from the web app beside the API rather than via a proxy.
      jwksUrl: source.AUTH_JWKS_URL || `http://localhost:${webPort}/api/auth/jwks`,
      audience,
      // The web app's own origin, plus any the operator lists (another front end, a preview URL).
      origins: [new URL(webUrl).origin, ...(source.WEB_ORIGIN ?? "").split(",")],
    }),
  };
  delete apiEnv.BETTER_AUTH_SECRET; // the API never needs it

  const services: ServiceDefinition[] = [
    {
      name: "web",
      ...webCommand(mode, webPort),
      env: webEnv,
      readyUrl: `http://localhost:${webPort}/`,
      // The first request to `next dev` compiles the page.
      readyTimeoutMs: mode === "dev" ? 300_000 : 120_000,
    },
    {
      name: "api",
      ...apiCommand("ts", apiPort, { mode }),
      env: apiEnv,
      readyUrl: `http://localhost:${apiPort}/health`,
      readyTimeoutMs: 120_000,
    },
  ];
  return {
    webPort,
    apiPort,
    webUrl,
    apiUrl,
    databaseUrl,
    secretSource: from,
    webEnv,
    apiEnv,
    services,
    mailCatcher: mail.catcher,
    email: mail.description,
    oidcProvider: oidc.provider,
    signInProviders: oidc.description,
  };
}

function mailPorts(catcher: Stack["mailCatcher"]): number[] {
  return catcher === null ? [] : [catcher.smtpPort, catcher.httpPort];
}

/** The providers the sign-in page offers, as the banner says it (names only, never secrets). */
function providersLine(source: Env): string {
  const names = [
    ...(source.OIDC_ISSUER ? [`${source.OIDC_NAME || "OIDC"} (${source.OIDC_ISSUER})`] : []),
    ...(source.GOOGLE_CLIENT_ID ? ["Google"] : []),
    ...(source.GITHUB_CLIENT_ID ? ["GitHub"] : []),
  ];
  return names.length === 0 ? "password and passkeys only" : names.join(", ");
}

/**
 * The OpenID Connect provider of `npm run dev`: the one configured (OIDC_ISSUER…), or — outside
 * production, unless OIDC_DEV_PROVIDER=off — a development provider on loopback that the stack
 * runs (OIDC_DEV_PORT, default 8030), which signs in any email a developer types. Never for
 * `npm start`: anyone who can reach it could sign in as any account linked to it.
 */
function oidcSettings(
  source: Env,
  mode: "start" | "dev",
  webUrl: string,
  taken: number[],
): { provider: DevOidcProvider | null; webEnv: Env; description: string } {
  const none = { provider: null, webEnv: {}, description: providersLine(source) };
  if (mode !== "dev" || source.OIDC_ISSUER || source.OIDC_DEV_PROVIDER === "off") return none;
  if (source.NODE_ENV === "production") return none;
  const providerPort = port(source, "OIDC_DEV_PORT", 8030);
  if (taken.includes(providerPort)) {
    throw new StackError(`OIDC_DEV_PORT (${providerPort}) must differ from the other services' ports`);
  }
  const provider: DevOidcProvider = {
    port: providerPort,
    name: "Dev ID",
    clientId: "tandem-dev",
    // Both ends are configured here, once per run: nothing to keep.
    clientSecret: randomBytes(24).toString("base64url"),
    redirectUri: oidcRedirectUri(webUrl),
  };
  const issuer = `http://127.0.0.1:${providerPort}`;
  return {
    provider,
    webEnv: oidcWebEnv({
      issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      name: provider.name,
    }),
    description: `${provider.name} (development provider ${issuer}: any email signs in)`,
  };
}

/**
 * Where the web app's mail goes: the given SMTP_URL, nowhere (EMAIL=off), or — outside production
 * — a mail catcher on loopback that the stack runs (MAIL_CATCHER_SMTP_PORT, MAILBOX_PORT).
 */
function mailSettings(
  source: Env,
  taken: number[],
): { catcher: Stack["mailCatcher"]; webEnv: Env; description: string } {
  if (source.EMAIL === "off") return { catcher: null, webEnv: {}, description: "off (EMAIL=off)" };
  if (source.SMTP_URL) {
    let where = "SMTP (SMTP_URL)";
    try {
      const url = new URL(source.SMTP_URL);
      where = `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`;
    } catch {
      // The web app reports a malformed SMTP_URL itself.
    }
    return { catcher: null, webEnv: {}, description: where };
  }
  if (source.NODE_ENV === "production") {
    return { catcher: null, webEnv: {}, description: "not configured (SMTP_URL)" };
  }
  const smtpPort = port(source, "MAIL_CATCHER_SMTP_PORT", 1025);
  const httpPort = port(source, "MAILBOX_PORT", 8025);
  const ports = [...taken, smtpPort, httpPort];
  if (new Set(ports).size !== ports.length) {
    throw new StackError("WEB_PORT, API_PORT, MAIL_CATCHER_SMTP_PORT and MAILBOX_PORT must all differ");
  }
  return {
    catcher: { smtpPort, httpPort },
    webEnv: {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: source.MAIL_FROM || "Tandem <no-reply@localhost>",
    },
    description: `mailbox http://localhost:${httpPort}`,
  };
}
