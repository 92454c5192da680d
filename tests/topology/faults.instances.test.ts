// Issue #17, faults of the instances under a steady load through the balancer: a rolling restart,
// a crash (SIGKILL) of one API and one web instance, the API fleet going away (the web app's outage
// banner), and the web fleet (the JWKS) going away. One topology for the file, in this order: these
// faults leave the database alone, and each test leaves every instance UP for the next.
import { setTimeout as sleep } from "node:timers/promises";
import { generateKeyPair, SignJWT } from "jose";
import { expect, it } from "vitest";
import { restoreAll, settle, useRig, verifyAndPrint } from "./support/fault-rig.ts";
import { startLoad } from "./support/load.ts";
import { describeTopology } from "./support/use-topology.ts";
import { renewToken, type VirtualUser } from "./support/users.ts";

// Short-lived tokens, so "until their tokens expire" fits in a test; the load renews them through
// the balancer's web frontend (a third of their life ahead), which the restarts exercise too.
const TOKEN_LIFETIME_SECONDS = 12;
const CLOCK_SKEW_SECONDS = 2;

function get(base: string, path: string, token: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * The user's own claims re-signed by a key no API instance has seen, as a token signed just after
 * a key rotation looks: only the JWKS can say whether that key is real.
 */
async function tokenFromUnknownKey(user: VirtualUser): Promise<string> {
  const claims = JSON.parse(
    Buffer.from(user.token.split(".")[1] ?? "", "base64url").toString("utf8"),
  ) as Record<string, unknown>;
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA", kid: "rotated-after-the-last-fetch" })
    .sign(privateKey);
}

describeTopology("faults of the instances, under load", () => {
  const rig = useRig({
    users: 4,
    web: { AUTH_TOKEN_LIFETIME_SECONDS: String(TOKEN_LIFETIME_SECONDS) },
    api: { AUTH_CLOCK_SKEW_SECONDS: String(CLOCK_SKEW_SECONDS) },
  });

  it("a rolling restart of every instance fails no request and loses no write", async () => {
    const { topology, users } = rig();
    const load = startLoad({
      label: "rolling restart",
      apiUrl: topology.apiUrl,
      webUrl: topology.webUrl,
      users,
      webEvery: 4,
      maxDurationMs: 150_000,
    });
    await settle(1_000);
    const started = Date.now();
    for (const instance of [...topology.web, ...topology.api]) {
      // SIGTERM: /ready turns 503, HAProxy takes it out, in-flight requests finish, then it exits.
      await instance.stop();
      await topology.waitForState(instance, "DOWN");
      await instance.start();
      await topology.waitForState(instance, "UP");
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await settle(1_000);
    const report = await load.stop();
    const verification = await verifyAndPrint(rig(), report, `4 restarts in ${seconds} s`);

    expect(report.failures).toEqual({});
    expect(report.tokenRefreshFailures).toBe(0);
    expect(report.acknowledged.length).toBeGreaterThan(0);
    expect(verification.missing).toEqual([]);
    expect(verification.duplicates).toBe(0);
  }, 240_000);

  it("after a SIGKILL of an API and then a web instance, only requests in flight fail", async () => {
    const { topology, users } = rig();
    const [api1, web1] = [topology.api[0], topology.web[0]];
    if (api1 === undefined || web1 === undefined) throw new Error("the topology has no api1 or web1");
    const load = startLoad({
      label: "SIGKILL",
      apiUrl: topology.apiUrl,
      webUrl: topology.webUrl,
      users,
      webEvery: 4,
      retryIdempotent: true,
      maxDurationMs: 60_000,
    });
    try {
      await settle(1_500);
      await api1.kill();
      await topology.waitForState(api1, "DOWN");
      await settle(1_500);
      await web1.kill();
      await topology.waitForState(web1, "DOWN");
      await settle(1_500);
      const report = await load.stop();
      // Each user has one request in flight at most, so a crash can catch at most one per user.
      const bound = 2 * users.length;
      const reads = report.outcomes.filter((o) => o.method === "GET");
      const verification = await verifyAndPrint(
        rig(),
        report,
        `failed attempts ${report.failedAttempts} (bound ${bound}), reads retried ${reads.filter((o) => o.retried).length}, unanswered writes ${report.unansweredWrites}`,
      );

      expect(reads.filter((o) => !o.ok)).toEqual([]);
      expect(report.failedAttempts).toBeLessThanOrEqual(bound);
      expect(report.failed).toBeLessThanOrEqual(bound);
      expect(report.acknowledged.length).toBeGreaterThan(0);
      expect(verification.missing).toEqual([]);
      expect(verification.duplicates).toBe(0);
    } finally {
      await load.stop();
      await restoreAll(topology);
    }
  }, 180_000);

  it("with every API instance down, /tasks still renders, shows the outage banner, and recovers", async () => {
    const { topology, users } = rig();
    const [user] = users;
    if (user === undefined) throw new Error("the rig has no users");
    const page = async () => {
      const response = await fetch(`${topology.webUrl}/tasks`, {
        headers: { cookie: user.cookie },
        redirect: "manual",
        signal: AbortSignal.timeout(15_000),
      });
      // The banner of apps/web/src/app/(app)/tasks/_components/service-banner.tsx.
      return `${response.status}${/reach the task service/.test(await response.text()) ? " banner" : ""}`;
    };
    expect(await page()).toBe("200");
    await Promise.all(topology.api.map((instance) => instance.stop()));
    await Promise.all(topology.api.map((instance) => topology.waitForState(instance, "DOWN")));
    const during = await page();
    const back = Date.now();
    await restoreAll(topology);
    const after = await page();
    console.log(
      `API fleet down: /tasks ${during}, then ${after} ${((Date.now() - back) / 1000).toFixed(1)} s after restarting it`,
    );
    expect(during).toBe("200 banner");
    expect(after).toBe("200");
  }, 120_000);

  it("with the JWKS unreachable, warm API instances serve until tokens expire, then fail closed", async () => {
    const { topology, users } = rig();
    await Promise.all(users.map((user) => renewToken(topology.webUrl, user)));
    // Warm both instances directly: their key sets, and their caches of verified tokens.
    for (const instance of topology.api) {
      for (const user of users)
        expect((await get(instance.url, "/api/tasks?limit=1", user.token)).status).toBe(200);
    }
    const expiries = new Map(users.map((user) => [user.index, user.tokenExpiresAt]));
    const [first] = users;
    if (first === undefined) throw new Error("the rig has no users");
    const unknownKey = await tokenFromUnknownKey(first);

    await Promise.all(topology.web.map((instance) => instance.stop()));
    await Promise.all(topology.web.map((instance) => topology.waitForState(instance, "DOWN")));
    const lastExpiry = Math.max(...expiries.values());
    expect(Math.min(...expiries.values()) - Date.now()).toBeGreaterThan(3_000);
    const load = startLoad({
      label: "JWKS unreachable",
      apiUrl: topology.apiUrl,
      webUrl: topology.webUrl,
      users,
      maxDurationMs: lastExpiry + (CLOCK_SKEW_SECONDS + 3) * 1000 - Date.now(),
    });
    // A token no instance can check without the JWKS is refused with 503, never let through.
    const refusals = await Promise.all(
      [topology.apiUrl, ...topology.api.map((i) => i.url)].map(async (base) => {
        const response = await get(base, "/api/tasks", unknownKey);
        const body = (await response.json()) as { code?: string };
        return `${response.status} ${body.code} Retry-After ${response.headers.get("retry-after")}`;
      }),
    );
    // And no new token can be had: the balancer has no web instance to ask.
    const renewal = await fetch(`${topology.webUrl}/api/auth/token`, { signal: AbortSignal.timeout(10_000) });
    await renewal.body?.cancel();
    const report = await load.done;

    // Until expiry (the API's clock tolerance on top), the cached keys verify every request.
    const before = report.outcomes.filter((o) => o.startedAt + o.durationMs < (expiries.get(o.user) ?? 0));
    const after = report.outcomes.filter(
      (o) => o.startedAt > (expiries.get(o.user) ?? 0) + (CLOCK_SKEW_SECONDS + 1) * 1000,
    );
    // Then "fail closed": an expired token is the client's to renew, so the API answers 401
    // INVALID_TOKEN (a 503 would tell the client to retry the same dead token); the renewal is what
    // the outage refuses, with the balancer's 503. A token the API could only check against the
    // JWKS (a key it has not cached) gets 503 AUTH_UNAVAILABLE: never accepted unchecked.
    const afterShapes = new Set(after.map((o) => `${o.status} ${o.code}`));
    console.log(
      `JWKS unreachable: served ${before.filter((o) => o.ok).length}/${before.length} before expiry, ` +
        `after expiry ${[...afterShapes].join(", ")} ×${after.length}, renewal ${renewal.status} ` +
        `(${report.tokenRefreshFailures} renewals refused), unknown key ${refusals[0]}`,
    );
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((o) => !o.ok)).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
    expect([...afterShapes]).toEqual(["401 INVALID_TOKEN"]);
    expect(report.outcomes.filter((o) => (o.status ?? 0) >= 500 || o.failure === "timeout")).toEqual([]);
    expect(renewal.status).toBe(503);
    expect(report.tokenRefreshes).toBe(0);
    expect(refusals).toEqual(Array(3).fill("503 AUTH_UNAVAILABLE Retry-After 5"));

    // The web instances return: renewal works, and the JWKS now says the unknown key is unknown.
    const back = Date.now();
    await restoreAll(topology);
    await Promise.all(users.map((user) => renewToken(topology.webUrl, user)));
    for (const user of users)
      expect((await get(topology.apiUrl, "/api/tasks?limit=1", user.token)).status).toBe(200);
    await sleep(1_100); // the key set's retry delay after its failed fetches
    expect((await get(topology.apiUrl, "/api/tasks", unknownKey)).status).toBe(401);
    const seconds = ((Date.now() - back) / 1000).toFixed(1);
    const verification = await verifyAndPrint(rig(), report, `web back and serving in ${seconds} s`);
    expect(verification.missing).toEqual([]);
    expect(verification.duplicates).toBe(0);
  }, 180_000);
});
