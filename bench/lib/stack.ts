// One database with everything that runs on it: the web app issuing tokens, the TypeScript API
// (default settings, and the scenario-3 auth modes), the FastAPI backend, and the seeded users.
import { randomBytes } from "node:crypto";
import type { Pinning } from "./proc.ts";
import {
  baselineDatabase,
  type BenchDatabase,
  type BenchUser,
  deepCursor,
  inBatches,
  seedTasks,
  signUpUsers,
  TokenPool,
} from "./seed.ts";
import { freePort } from "@tandem/stack";
import { type Running, startApi, startFastApi, startWeb } from "./servers.ts";
import type { AuthMode, Db, Settings } from "./types.ts";

export interface ScaleUser {
  size: number;
  user: BenchUser;
  /** The user's own token (one user: every request carries the same one). */
  pool: TokenPool;
  deepCursor: string;
}

export interface Stack {
  db: Db;
  database: BenchDatabase;
  web: Running;
  /** The TypeScript API with default settings (scenario 1, and "default" in scenario 3). */
  ts: Running;
  modes: Partial<Record<AuthMode, Running>>;
  fastapi?: Running;
  baseline?: Running;
  /** Why the baseline API shares this stack's database, when it does (seed.ts `baselineDatabase`). */
  baselineShares?: string;
  /** The --baseline ref's web app, and the current API instance that accepts its tokens. */
  baselineWeb?: { web: Running; api: Running };
  users: BenchUser[];
  /** Signs in through the browser in scenario 5; no load run touches its tasks. */
  webUser: BenchUser;
  pool: TokenPool;
  scale: ScaleUser[];
  /** Every server, for stopping. */
  all: Running[];
}

export interface StackOptions {
  database: BenchDatabase;
  settings: Settings;
  pinning: Pinning;
  logDir: string;
  withFastApi: boolean;
  /** The --baseline build of the API, and the last migration of its own schema. */
  baseline: { bundle: string; lastMigration: string } | null;
  /** The --baseline ref's built apps/web (baseline-web.ts), to start beside the current one. */
  baselineWebDir: string | null;
  log: (line: string) => void;
}

/** Environment of each scenario-3 mode that is not the default. */
export const MODE_ENV: Record<Exclude<AuthMode, "default">, Record<string, string>> = {
  // Ed25519 verification on every request; the session check keeps its default 5 s cache.
  verify: { AUTH_TOKEN_CACHE: "off" },
  // A session lookup in the database on every request (the cost of a database-session design);
  // the signature is verified once per token, as Tandem's default does.
  "db-session": { AUTH_REVOCATION_CHECK_SECONDS: "0" },
  // Every list page built from the statement: the list's cost without decision 029's cache, and
  // the server of scenario 4, whose figures are about the statement's plan at scale.
  "no-list-cache": { API_LIST_CACHE_MB: "0" },
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const { database, settings, pinning, logDir, log } = options;
  const db = database.dialect;
  const all: Running[] = [];
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const webUrl = `http://localhost:${webPort}`;
  const secret = randomBytes(32).toString("base64url");
  const common = { databaseUrl: database.url, webUrl, pinning, logDir };
  try {
    log(`${db}: starting the web app and the API`);
    const [web, ts] = await Promise.all([
      startWeb(
        {
          name: `web-${db}`,
          databaseUrl: database.url,
          secret,
          apiUrl: `http://127.0.0.1:${apiPort}`,
          logDir,
        },
        webPort,
      ),
      startApi({ ...common, name: `api-${db}`, port: apiPort }),
    ]);
    all.push(web, ts);

    const started = performance.now();
    const users = await signUpUsers(web.url, db, settings.users);
    log(
      `${db}: ${users.length} users signed up through Better Auth in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const user of users) user.taskId = await seedTasks(database.handle, user.id, settings.tasksPerUser);

    const [webUser] = await signUpUsers(web.url, `${db}-web`, 1);
    if (!webUser) throw new Error("no web user");
    await seedTasks(database.handle, webUser.id, settings.tasksPerUser);
    const scaleUsers = await signUpUsers(web.url, `${db}-scale`, settings.scaleSizes.length);
    const scale = await inBatches(
      settings.scaleSizes.map((size, i) => ({ size, user: scaleUsers[i] as BenchUser })),
      1,
      async ({ size, user }) => {
        const seeded = performance.now();
        user.taskId = await seedTasks(database.handle, user.id, size);
        log(`${db}: seeded ${size} tasks in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
        return {
          size,
          user,
          pool: new TokenPool(web.url, [user]),
          deepCursor: await deepCursor(database.handle, user.id, size, 40),
        };
      },
    );

    const modes: Stack["modes"] = { default: ts };
    for (const [mode, env] of Object.entries(MODE_ENV) as [
      Exclude<AuthMode, "default">,
      Record<string, string>,
    ][]) {
      const server = await startApi({ ...common, name: `api-${db}-${mode}`, env });
      all.push(server);
      modes[mode] = server;
    }
    let fastapi: Running | undefined;
    if (options.withFastApi) {
      fastapi = await startFastApi({ ...common, name: `fastapi-${db}` });
      all.push(fastapi);
    }
    let baseline: Running | undefined;
    let baselineShares: string | undefined;
    if (options.baseline !== null) {
      const own = await baselineDatabase(database, options.baseline.lastMigration);
      baselineShares = own.sharedBecause;
      log(
        own.sharedBecause === undefined
          ? `${db}: the baseline API runs on its own copy, at migration ${options.baseline.lastMigration}`
          : `${db}: the baseline API shares the database (${own.sharedBecause})`,
      );
      baseline = await startApi({
        ...common,
        databaseUrl: own.url,
        name: `baseline-${db}`,
        bundle: options.baseline.bundle,
      });
      all.push(baseline);
    }
    let baselineWeb: Stack["baselineWeb"];
    if (options.baselineWebDir !== null) {
      baselineWeb = await startBaselineWeb(options.baselineWebDir, secret, common);
      all.push(baselineWeb.web, baselineWeb.api);
    }
    return {
      db,
      database,
      web,
      ts,
      modes,
      ...(fastapi ? { fastapi } : {}),
      ...(baseline ? { baseline } : {}),
      ...(baselineShares === undefined ? {} : { baselineShares }),
      ...(baselineWeb ? { baselineWeb } : {}),
      users,
      webUser,
      pool: new TokenPool(web.url, users),
      scale,
      all,
    };
  } catch (error) {
    await Promise.all(all.map((r) => r.server.stop()));
    throw error;
  }
}

/**
 * The baseline web app on the stack's database with the current web's secret (so the key set in
 * the database, and every user, serve both). The API checks one issuer and one origin, the web
 * app's own URL, so the baseline web gets its own instance of the current API bundle: the same
 * code and settings as the current web's, told the baseline web's URL.
 */
async function startBaselineWeb(
  webDir: string,
  secret: string,
  common: { databaseUrl: string; pinning: Pinning; logDir: string; webUrl: string },
): Promise<{ web: Running; api: Running }> {
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const webUrl = `http://localhost:${webPort}`;
  const api = await startApi({ ...common, webUrl, name: "api-for-baseline-web", port: apiPort });
  try {
    const web = await startWeb(
      {
        name: "baseline-web",
        databaseUrl: common.databaseUrl,
        secret,
        apiUrl: `http://127.0.0.1:${apiPort}`,
        logDir: common.logDir,
        webDir,
      },
      webPort,
    );
    return { web, api };
  } catch (error) {
    await api.server.stop();
    throw error;
  }
}

export async function stopStack(stack: Stack): Promise<void> {
  await Promise.all(stack.all.map((r) => r.server.stop()));
}
