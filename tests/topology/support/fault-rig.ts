// What every fault test starts from: a topology (on a PostgreSQL of the suite's own when the fault
// touches the database), a few signed-up virtual users, and the service output when a test fails.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { createStackDatabase, type Env, type StackDatabase } from "@tandem/stack";
import type { LoadReport } from "./load.ts";
import { type PostgresServer, startPostgresServer } from "./postgres-server.ts";
import { startTopology, type Topology } from "./topology.ts";
import { renewToken, signUpUsers, type VirtualUser } from "./users.ts";
import { figures, type Verification, verifyInDatabase, verifyViaApi } from "./verify.ts";

export interface Rig {
  topology: Topology;
  users: VirtualUser[];
  /** Only with `ownPostgres`: the server the test may stop and start. */
  postgres: PostgresServer | undefined;
}

export interface RigOptions {
  /** Virtual users (default 4): the load's concurrency, one request in flight each. */
  users?: number;
  /** A PostgreSQL server of the file's own, so stopping it harms no other suite (default: a database on TEST_DATABASE_URL). */
  ownPostgres?: boolean;
  web?: Env;
  api?: Env;
}

// The virtual users all sign up from the test's one address: Better Auth's limiter (tested by the
// security suite) would refuse most of them.
const WEB_ENV: Env = { AUTH_RATE_LIMIT: "off" };
// Above what the load sends, so a 429 never passes for a failure; the quota store (on PostgreSQL)
// stays in every request's path, which is what matters when the database goes away.
const API_ENV: Env = { API_QUOTA_REQUESTS: "1000000" };

/** The file's rig, started before its first test and stopped after its last. */
export function useRig(options: RigOptions = {}): () => Rig {
  let rig: Rig | undefined;
  let database: StackDatabase | undefined;
  let postgres: PostgresServer | undefined;
  beforeAll(async () => {
    let databaseUrl: string;
    if (options.ownPostgres) {
      postgres = await startPostgresServer();
      databaseUrl = postgres.url;
    } else {
      database = await createStackDatabase("postgres", {
        adminUrl: process.env.TEST_DATABASE_URL,
        template: inject("topologyTemplate"),
      });
      databaseUrl = database.url;
    }
    const topology = await startTopology({
      databaseUrl,
      web: { ...WEB_ENV, ...options.web },
      api: { ...API_ENV, ...options.api },
      output: "buffer",
    });
    rig = { topology, users: [], postgres };
    rig.users = await signUpUsers(topology, options.users ?? 4);
  });
  afterEach((context) => {
    if (context.task.result?.state !== "fail" || rig === undefined) return;
    // HAProxy logs every request: show the instances' own lines apart, or they would be drowned.
    const lines = rig.topology.logs();
    const instances = lines.filter((line) => !line.startsWith("[haproxy]")).slice(-30);
    const balancer = lines.filter((line) => line.startsWith("[haproxy]")).slice(-10);
    console.error(
      `Last instance output:\n${instances.join("\n")}\nLast balancer lines:\n${balancer.join("\n")}`,
    );
  });
  afterAll(async () => {
    await rig?.topology.stop();
    await database?.remove();
    await postgres?.remove();
  });
  return () => {
    if (rig === undefined) throw new Error("the rig did not start (see the beforeAll error)");
    return rig;
  };
}

/** Every instance UP again (restarting those not running), so the next test starts whole. */
export async function restoreAll(topology: Topology): Promise<void> {
  for (const instance of [...topology.web, ...topology.api]) {
    if (!instance.running) await instance.start();
    await topology.waitForState(instance, "UP");
  }
}

/**
 * Checks the run's writes in PostgreSQL and through the API, and prints the test's one line of
 * figures. The two views must agree: what the database holds is what the users see.
 */
export async function verifyAndPrint(rig: Rig, report: LoadReport, extra = ""): Promise<Verification> {
  const inDatabase = await verifyInDatabase(rig.topology.databaseUrl, report);
  // The tokens the load ended with may have expired (a test may have stopped their renewal).
  await Promise.all(rig.users.map((user) => renewToken(rig.topology.webUrl, user)));
  const viaApi = await verifyViaApi(rig.topology.apiUrl, rig.users, report);
  if (viaApi.found !== inDatabase.found || viaApi.duplicates !== inDatabase.duplicates) {
    throw new Error(`the API and the database disagree: ${JSON.stringify({ viaApi, inDatabase })}`);
  }
  console.log(figures(report, inDatabase, extra));
  return inDatabase;
}

/** Lets the load run `ms` without a fault, so each phase is measured from a steady state. */
export const settle = (ms: number) => sleep(ms);
