// The security suite's revocation and rate-limit cases on the topology: what must hold across
// instances, not just within one. Revocation reaches every API instance within the bound; the
// API's per-user quota and the web's sign-in limiter are shared through the database.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { expectInvalidToken, expectProblem } from "../security/lib/expect.ts";
import { http, type HttpResponse } from "../security/lib/http.ts";
import { BOUND_MS, MARGIN_MS } from "../security/lib/revocation.ts";
import { newIp } from "../security/lib/stack.ts";
import { authPost, browser, signIn, signUp } from "./support/accounts.ts";
import { describeTopology, useTopology } from "./support/use-topology.ts";

const QUOTA = 100;
// Revocation polls with one user's token (about 3 + 3 × 7.5 s / 300 ms requests): under QUOTA.
const POLL_MS = 300;

/** When this file last signed in through the balancer, from the test's own address. */
let balancerSignInAt = 0;

const me = (base: string, token: string) =>
  http(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });

describeTopology("security across instances", () => {
  const topology = useTopology({
    api: { API_QUOTA_REQUESTS: String(QUOTA), API_QUOTA_WINDOW_SECONDS: "60" },
  });

  it(`a sign-out through the balancer reaches every API instance within ${BOUND_MS / 1000} s`, async () => {
    const t = topology();
    const user = await signUp(t, "Revoked", t.web[0]?.url);
    // A second session, opened through the balancer, is the one signed out.
    const session = await signIn(t, user);
    balancerSignInAt = Date.now();
    const targets = [t.apiUrl, ...t.api.map((instance) => instance.url)];
    // Accepted everywhere first, so every instance has a positive answer cached: the worst case.
    for (const base of targets) expect((await me(base, session.token)).status, base).toBe(200);

    const out = await authPost(t.webUrl, "/api/auth/sign-out", {}, t.webUrl, session.cookie);
    expect(out.status).toBe(200);
    const since = Date.now();
    const refusedAfter = async (base: string): Promise<number> => {
      for (;;) {
        const response: HttpResponse = await me(base, session.token);
        const elapsed = Date.now() - since;
        if (response.status !== 200) {
          expectInvalidToken(response);
          return elapsed;
        }
        expect(elapsed, `${base} still accepts the token`).toBeLessThanOrEqual(BOUND_MS + MARGIN_MS);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };
    const elapsed = await Promise.all(targets.map(refusedAfter));
    for (const ms of elapsed) expect(ms).toBeLessThanOrEqual(BOUND_MS + MARGIN_MS);
    // The user's other session is untouched.
    expect((await me(t.apiUrl, user.token)).status).toBe(200);
  });

  it(`one user's quota (${QUOTA} per 60 s) is shared by both API instances`, async () => {
    const t = topology();
    const [flooder, bystander] = [
      await signUp(t, "Flooder", t.web[0]?.url),
      await signUp(t, "Bystander", t.web[1]?.url),
    ];
    const instances = t.api.map((instance) => instance.url);
    expect(instances.length).toBeGreaterThan(1);
    // Straight to each instance in turn, so the shared budget is proven, not left to roundrobin.
    for (let i = 0; i < QUOTA; i += 1) {
      const response = await me(instances[i % instances.length] ?? "", flooder.token);
      expect(response.status, `request ${i + 1}`).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe(String(QUOTA));
      expect(response.headers.get("ratelimit-remaining")).toBe(String(QUOTA - i - 1));
    }
    for (const base of [...instances, t.apiUrl]) {
      const refused = await me(base, flooder.token);
      expectProblem(refused, 429, "RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after")), base).toBeGreaterThan(0);
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(Number(refused.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    }
    expect((await me(t.apiUrl, bystander.token)).status).toBe(200);
  });

  it("the sign-in limiter (3 per 10 s per address) holds across both web instances", async () => {
    const t = topology();
    const [first, second] = t.web;
    if (first === undefined || second === undefined) throw new Error("needs two web instances");
    const attempt = (base: string, ip: string) =>
      http(`${base}/api/auth/sign-in/email`, {
        json: { email: `nobody-${randomBytes(6).toString("hex")}@example.test`, password: "wrong-password" },
        headers: { ...browser(t.webUrl), "x-real-ip": ip },
      });
    // Each instance trusts X-Real-IP (TRUST_PROXY), as it must behind HAProxy.
    const ip = newIp();
    const statuses = [];
    for (const base of [first.url, second.url, first.url, second.url])
      statuses.push((await attempt(base, ip)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);

    // Through the balancer, HAProxy's X-Real-IP (the test's own address) wins over a forged one.
    // That address signed in once above: wait until its window has passed.
    const wait = balancerSignInAt + 10_500 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const forged = [];
    for (let i = 0; i < 4; i += 1) forged.push((await attempt(t.webUrl, newIp())).status);
    expect(forged).toEqual([401, 401, 401, 429]);
  });
});
