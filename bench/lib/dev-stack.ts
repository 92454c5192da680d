// What `bench:compare` and `bench:profile` start before they drive load: fresh builds, a database,
// the web app (it issues the tokens), the API processes asked for, 100 users with 50 tasks each
// and a pool of their tokens. Development aids, not the measurement of record (run.ts's stack is).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApi, buildWeb, freePort } from "@tandem/stack";
import { choosePinning, type Pinning } from "./proc.ts";
import {
  type BenchDatabase,
  benchPostgresUrl,
  createPostgresDatabase,
  createSqliteDatabase,
  seedTasks,
  signUpUsers,
  TokenPool,
} from "./seed.ts";
import { type ApiOptions, baseEnv, type Running, startApi, startWeb } from "./servers.ts";

export interface DevStack {
  pinning: Pinning;
  workDir: string;
  database: BenchDatabase;
  web: Running;
  /** The API processes, in the order asked for. */
  apis: Running[];
  pool: TokenPool;
  /** Stops every process and drops the database. */
  stop(): Promise<void>;
}

export type DevApi = Omit<ApiOptions, "databaseUrl" | "webUrl" | "pinning" | "logDir">;

/** Starts the stack on SQLite (default) or on a fresh PostgreSQL database; `label` names users and folders. */
export async function startDevStack(options: {
  label: string;
  db: "sqlite" | "postgres";
  apis: (workDir: string) => DevApi[];
}): Promise<DevStack> {
  const pinning = choosePinning();
  await buildApi(baseEnv());
  // The web app issues the tokens; a fresh checkout has no build yet (rebuilt only when stale).
  await buildWeb(baseEnv());
  const workDir = mkdtempSync(join(tmpdir(), `tandem-${options.label}-`));
  const database =
    options.db === "postgres"
      ? await createPostgresDatabase(benchPostgresUrl())
      : await createSqliteDatabase(workDir);
  const running: Running[] = [];
  const stop = async () => {
    for (const s of [...running].reverse()) await s.server.stop();
    await database.drop();
  };
  try {
    const webPort = await freePort();
    const webUrl = `http://localhost:${webPort}`;
    const web = await startWeb(
      {
        name: "web",
        databaseUrl: database.url,
        secret: `${options.label}-secret-0123456789abcdef0123`,
        apiUrl: "http://127.0.0.1:1",
        logDir: workDir,
      },
      webPort,
    );
    running.push(web);
    const apis: Running[] = [];
    for (const api of options.apis(workDir)) {
      const server = await startApi({ ...api, databaseUrl: database.url, webUrl, pinning, logDir: workDir });
      running.push(server);
      apis.push(server);
    }
    const users = await signUpUsers(web.url, options.label, 100);
    for (const u of users) u.taskId = await seedTasks(database.handle, u.id, 50);
    return { pinning, workDir, database, web, apis, pool: new TokenPool(web.url, users), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
