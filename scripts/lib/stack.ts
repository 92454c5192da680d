// What `npm start` and `npm run dev` share: one set of values configures both services, the auth
// secret rule, migrations, and a supervisor that stops everything together.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadOrCreateDevSecret, migrateDatabase, MIN_SECRET_LENGTH } from "@tandem/auth";
import { createDb } from "@tandem/db";
import { ROOT } from "./build.ts";
import { type Env, isPortFree, type Service } from "./processes.ts";

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
  const given = source.BETTER_AUTH_SECRET;
  if (given === undefined || given === "") {
    if (source.NODE_ENV === "production") {
      throw new StackError(
        `BETTER_AUTH_SECRET is required when NODE_ENV=production (at least ${MIN_SECRET_LENGTH} characters; generate one with: openssl rand -base64 32)`,
      );
    }
    const file = join(ROOT, "data", "auth-secret");
    return {
      secret: loadOrCreateDevSecret(file),
      from: `${file.slice(ROOT.length + 1)} (generated once, git-ignored)`,
    };
  }
  if (given.length < MIN_SECRET_LENGTH) {
    throw new StackError(
      `BETTER_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters (generate one with: openssl rand -base64 32)`,
    );
  }
  return { secret: given, from: "BETTER_AUTH_SECRET" };
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
    BETTER_AUTH_URL: webUrl,
    BETTER_AUTH_SECRET: secret,
    NEXT_PUBLIC_API_URL: apiUrl,
    // Server-side rendering reaches the API beside it directly, whatever the public URL is.
    API_INTERNAL_URL: source.API_INTERNAL_URL || `http://localhost:${apiPort}`,
    NEXT_TELEMETRY_DISABLED: "1",
    ...(audience === undefined ? {} : { API_AUDIENCE: audience }),
  };
  delete webEnv.NODE_ENV; // `next start` runs as production, `next dev` as development

  const apiEnv: Env = {
    ...shared,
    NODE_ENV: mode === "start" ? "production" : "development",
    PORT: String(apiPort),
    // The key set is public; fetch it from the web app beside the API rather than via a proxy.
    AUTH_JWKS_URL: source.AUTH_JWKS_URL || `http://localhost:${webPort}/api/auth/jwks`,
    AUTH_ISSUER: webUrl,
    // The web app's own origin, plus any the operator lists (another front end, a preview URL).
    WEB_ORIGIN: [
      ...new Set(
        [new URL(webUrl).origin, ...(source.WEB_ORIGIN ?? "").split(",")]
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    ].join(","),
    ...(audience === undefined ? {} : { AUTH_AUDIENCE: audience }),
  };
  delete apiEnv.BETTER_AUTH_SECRET; // the API never needs it

  return { webPort, apiPort, webUrl, apiUrl, databaseUrl, secretSource: from, webEnv, apiEnv };
}

/** Reads `.env` at the repository root when there is one; variables already set win. */
export function loadDotEnv(): void {
  const file = join(ROOT, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Refuses early, in one line, when a port is taken (instead of a stack trace from a child). */
export async function requireFreePorts(stack: Stack): Promise<void> {
  for (const [name, value, variable] of [
    ["web", stack.webPort, "WEB_PORT"],
    ["API", stack.apiPort, "API_PORT"],
  ] as const) {
    if (!(await isPortFree(value))) {
      throw new StackError(
        `Port ${value} (${name}) is already in use: stop whatever uses it, or set ${variable}`,
      );
    }
  }
}

/** Applies Better Auth's and Tandem's migrations; returns a description of the database. */
export async function migrate(databaseUrl: string | undefined): Promise<string> {
  const database = createDb(databaseUrl);
  try {
    await migrateDatabase(database);
    return `${database.dialect}: ${database.location}`;
  } finally {
    await database.destroy();
  }
}

/**
 * Keeps the services running until Ctrl-C / SIGTERM (exit 0) or until one of them exits on its
 * own (the others are stopped; exit non-zero). A second Ctrl-C kills at once.
 */
export function supervise(services: Service[]): { stopAll: (code: number) => Promise<never> } {
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await Promise.all(services.map((service) => service.stop()));
    }
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      for (const service of services) service.child.kill("SIGKILL");
      process.exit(1);
    }
    console.log(`\n${signal}: stopping ${services.map((s) => s.name).join(" and ")}…`);
    void stopAll(0);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  watchLaunchers(() => {
    console.error("The command that started Tandem is gone; stopping web and api");
    void stopAll(1);
  });
  for (const service of services) {
    void service.exited.then((code) => {
      if (stopping) return;
      console.error(`[${service.name}] exited (code ${code}); stopping the rest`);
      void stopAll(code === 0 ? 1 : code);
    });
  }
  return { stopAll };
}

function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …"; comm may itself contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // not Linux, or already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * `kill <pid of npm start>` reaches npm, which passes SIGTERM to the `sh -c` it spawned, and sh
 * exits without passing it on: this process (under tsx) would be left running with both
 * services. So watch the parent and grandparent (tsx, sh) and stop when one disappears.
 */
function watchLaunchers(onGone: () => void): void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const watched = [parent, grandparent].filter((pid): pid is number => pid !== undefined && pid > 1);
  const timer = setInterval(() => {
    if (watched.some((pid) => !isAlive(pid)) || process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
}

/** Prints the one-line reason for a failure before start-up and exits 1. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Tandem: ${message.split("\n")[0]}`);
  process.exit(1);
}
