// Issue #17, PostgreSQL restarted under a steady load: the API answers 503 with Retry-After while
// the database is down (never a 500, never a hang), the web app shows its outage notice (never a
// sign-in redirect), both recover by themselves, and no acknowledged write is lost. The topology runs on a PostgreSQL server of this file's own, the one it stops.
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { settle, useRig, verifyAndPrint } from "./support/fault-rig.ts";
import { startLoad } from "./support/load.ts";
import type { Topology } from "./support/topology.ts";
import { describeTopology } from "./support/use-topology.ts";
import type { VirtualUser } from "./support/users.ts";

const OUTAGE_MS = 5_000;
/** Every request is answered within this, database or not. */
const ANSWER_BOUND_MS = 10_000;
/** The API serves again within this of the database accepting connections. */
const RECOVERY_BOUND_MS = 10_000;
/** The outage banner (apps/web/src/app/(app)/outage-notice.tsx, tasks/_components/service-banner.tsx). */
const BANNER = /role="alert"[^>]*>.*reach the task service/s;

/** /tasks through the balancer, rendered by the server for the user's session, as a browser gets it. */
async function tasksPage(
  topology: Topology,
  user: VirtualUser,
): Promise<{ status: number; banner: boolean; location: string | null }> {
  const response = await fetch(`${topology.webUrl}/tasks`, {
    headers: { cookie: user.cookie },
    redirect: "manual",
    signal: AbortSignal.timeout(ANSWER_BOUND_MS),
  });
  const html = await response.text();
  return { status: response.status, banner: BANNER.test(html), location: response.headers.get("location") };
}

/** Polls until `check` holds (every 100 ms, at most `timeoutMs`); returns when it first did. */
async function firstTime(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Date.now();
    await sleep(100);
  }
  throw new Error(`not recovered within ${timeoutMs} ms`);
}

describeTopology("PostgreSQL restart, under load", () => {
  const rig = useRig({ users: 4, ownPostgres: true });

  it("answers 503 with Retry-After while the database is down, recovers, and loses no write", async () => {
    const { topology, users, postgres } = rig();
    const [user] = users;
    if (postgres === undefined || user === undefined) throw new Error("the rig has no PostgreSQL or users");
    const load = startLoad({
      label: "PostgreSQL restart",
      apiUrl: topology.apiUrl,
      webUrl: topology.webUrl,
      users,
      timeoutMs: ANSWER_BOUND_MS,
      maxDurationMs: 90_000,
    });
    await settle(1_500);
    const stopping = Date.now();
    await postgres.stop("fast");
    const down = Date.now();
    const pageEarly = await tasksPage(topology, user);
    // The API's /ready asks PostgreSQL, so HAProxy takes the API fleet out (and answers for it);
    // the web's does not (decision 019), so the web app itself answers, with its outage notice.
    await Promise.all(topology.api.map((i) => topology.waitForState(i, "DOWN", OUTAGE_MS)));
    const fleetOut = Date.now();
    const webStates = await Promise.all(topology.web.map((i) => topology.serverState(i)));
    const pageLate = await tasksPage(topology, user);
    await sleep(Math.max(0, stopping + OUTAGE_MS - Date.now()));
    const starting = Date.now();
    await postgres.start();
    const up = Date.now();
    const apiBack = await firstTime(async () => {
      const response = await fetch(`${topology.apiUrl}/api/tasks?limit=1`, {
        headers: { authorization: `Bearer ${user.token}` },
        signal: AbortSignal.timeout(ANSWER_BOUND_MS),
      });
      await response.body?.cancel();
      return response.status === 200;
    }, RECOVERY_BOUND_MS * 3);
    const webBack = await firstTime(async () => {
      const page = await tasksPage(topology, user);
      return page.status === 200 && !page.banner;
    }, RECOVERY_BOUND_MS * 3);
    await settle(1_500);
    const report = await load.stop();

    // Requests sent and answered while the database was certainly down.
    const during = report.outcomes.filter(
      (o) => o.startedAt >= down && o.startedAt + o.durationMs <= starting,
    );
    const shapes: Record<string, number> = {};
    for (const o of during) {
      const shape = `${o.status ?? o.failure} ${o.code} ${o.contentType?.split(";")[0]} Retry-After ${o.retryAfter}`;
      shapes[shape] = (shapes[shape] ?? 0) + 1;
    }
    const slowest = Math.max(...report.outcomes.map((o) => o.durationMs));
    const verification = await verifyAndPrint(
      rig(),
      report,
      `outage ${((starting - stopping) / 1000).toFixed(1)} s, API back ${((apiBack - up) / 1000).toFixed(1)} s ` +
        `and /tasks back ${((webBack - up) / 1000).toFixed(1)} s after PostgreSQL, slowest answer ${slowest} ms, ` +
        `API fleet out of rotation after ${((fleetOut - down) / 1000).toFixed(1)} s, ` +
        `during the outage ${JSON.stringify(shapes)}, /tasks ${pageEarly.status} then ${pageLate.status}` +
        `${pageEarly.banner || pageLate.banner ? " with the banner" : " without the banner"}`,
    );

    // A connection PostgreSQL ends under a query must fail that query, not the process.
    const exited = [...topology.web, ...topology.api].filter((i) => !i.running).map((i) => i.name);
    expect(exited).toEqual([]);
    expect(during.length).toBeGreaterThan(0);
    expect(shapes).toEqual({
      [`503 SERVICE_UNAVAILABLE application/problem+json Retry-After 5`]: during.length,
    });
    expect(
      report.outcomes.filter((o) => o.status === 500 || (o.failure !== undefined && o.status === undefined)),
    ).toEqual([]);
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
    expect(apiBack - up).toBeLessThan(RECOVERY_BOUND_MS);
    // The user stays signed in and sees the notice, from the web app, throughout the outage.
    expect(
      webStates.every((state) => state.startsWith("UP")),
      webStates.join(", "),
    ).toBe(true);
    for (const page of [pageEarly, pageLate]) {
      expect(page).toMatchObject({ status: 200, banner: true, location: null });
    }
    expect(webBack - up).toBeLessThan(RECOVERY_BOUND_MS);
    expect(verification.missing).toEqual([]);
    expect(verification.duplicates).toBe(0);
  }, 180_000);
});
