// What `npm start` and `npm run dev` do around their services: read `.env`, check the ports,
// migrate, and supervise the running services so that they stop together.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase } from "@tandem/auth";
import { createDb } from "@tandem/db";
import { type Stack, StackError } from "./config.ts";
import { MailCatcher } from "./mail-catcher.ts";
import { OidcProvider } from "./oidc-provider.ts";
import { ROOT } from "./paths.ts";
import { isPortFree, type Service, startService, waitForHttp } from "./processes.ts";
import type { ServiceDefinition } from "./services.ts";

/** Reads `.env` at the repository root when there is one; variables already set win. */
export function loadDotEnv(): void {
  const file = join(ROOT, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Refuses early, in one line, when a port is taken (instead of a stack trace from a child). */
export async function requireFreePorts(stack: Stack): Promise<void> {
  const catcher = stack.mailCatcher;
  const ports: [string, number, string][] = [
    ["web", stack.webPort, "WEB_PORT"],
    ["API", stack.apiPort, "API_PORT"],
    ...(catcher === null
      ? []
      : ([
          ["mail catcher", catcher.smtpPort, "MAIL_CATCHER_SMTP_PORT"],
          ["mailbox", catcher.httpPort, "MAILBOX_PORT"],
        ] as [string, number, string][])),
    ...(stack.oidcProvider === null
      ? []
      : ([["development OpenID Connect provider", stack.oidcProvider.port, "OIDC_DEV_PORT"]] as [
          string,
          number,
          string,
        ][])),
  ];
  for (const [name, value, variable] of ports) {
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

/**
 * Starts every service of a stack under `supervise` and waits until each answers its ready URL;
 * when one does not, says why in one line and stops them all (exit 1).
 */
export async function runSupervised(definitions: ServiceDefinition[]): Promise<void> {
  const services = definitions.map((definition) => startService(definition));
  const { stopAll } = supervise(services);
  try {
    await Promise.all(
      definitions.map((definition, i) =>
        waitForHttp(definition.readyUrl, { service: services[i], timeoutMs: definition.readyTimeoutMs }),
      ),
    );
  } catch (error) {
    console.error(`Tandem: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

/** The stack's development mail catcher, when it has one (see resolveStack). */
export async function startMailCatcher(stack: Stack): Promise<MailCatcher | null> {
  if (stack.mailCatcher === null) return null;
  return MailCatcher.start({ smtpPort: stack.mailCatcher.smtpPort, httpPort: stack.mailCatcher.httpPort });
}

/** The banner's line about email. */
export function mailLine(stack: Stack): string {
  return stack.mailCatcher === null
    ? `  Email    ${stack.email}`
    : `  Mailbox  http://localhost:${stack.mailCatcher.httpPort}   (development mail catcher: every email the app sends lands here)`;
}

/** The stack's development OpenID Connect provider, when it has one (see resolveStack). */
export async function startOidcProvider(stack: Stack): Promise<OidcProvider | null> {
  const settings = stack.oidcProvider;
  if (settings === null) return null;
  return OidcProvider.start({
    port: settings.port,
    name: settings.name,
    clients: [
      {
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        redirectUris: [settings.redirectUri],
      },
    ],
  });
}

/** The banner's line about sign-in providers. */
export function signInLine(stack: Stack): string {
  return `  Sign-in  ${stack.signInProviders}`;
}
