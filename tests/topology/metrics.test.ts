// Metrics and request ids, as an operator sees them: every instance's /metrics moves with the
// traffic sent through the balancer, and one request id runs from HAProxy through the web
// server's server-side API call into the API's log line.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { http } from "../security/lib/http.ts";
import { authPost, signUp } from "./support/accounts.ts";
import type { Instance, Topology } from "./support/topology.ts";
import { describeTopology, useTopology } from "./support/use-topology.ts";

const METRICS_TOKEN = randomBytes(18).toString("base64url");

/** Every sample of `name` whose labels include `labels`, summed (0 when there is none). */
function sum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[3]);
  }
  return total;
}

async function scrape(instance: Instance): Promise<string> {
  const response = await fetch(instance.metricsUrl, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.status, instance.metricsUrl).toBe(200);
  return response.text();
}

/** `name`{labels} summed over every instance of a kind. */
async function total(instances: Instance[], name: string, labels: Record<string, string> = {}) {
  const texts = await Promise.all(instances.map(scrape));
  return texts.reduce((acc, text) => acc + sum(text, name, labels), 0);
}

/** Waits (bounded) until some line of `topology`'s output satisfies `accept`. */
async function lineMatching(topology: Topology, accept: (line: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = topology.logs().find(accept);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no such line in:\n${topology.logs().slice(-30).join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeTopology("metrics and request ids through the balancer", () => {
  const topology = useTopology({
    // Info logs one line per API request, with its reqId.
    api: { METRICS_TOKEN, LOG_LEVEL: "info" },
    web: { METRICS_TOKEN, AUTH_RATE_LIMIT: "off" },
  });

  it("serves metrics on each instance's own port, only with the token", async () => {
    for (const instance of [...topology().web, ...topology().api]) {
      expect((await fetch(instance.metricsUrl)).status, instance.name).toBe(401);
      const text = await scrape(instance);
      expect(text, instance.name).toContain("nodejs_eventloop_lag_seconds");
      if (instance.kind === "api") expect(text).toMatch(/^tandem_db_pool_connections\{state="idle"\} \d+/m);
    }
  });

  it("API counters move with requests, refused tokens and key-set fetches", async () => {
    const t = topology();
    const route = { method: "GET", route: "/api/tasks", status: "200" };
    const before = {
      requests: await total(t.api, "tandem_http_requests_total", route),
      invalid: await total(t.api, "tandem_auth_failures_total", { reason: "INVALID_TOKEN" }),
      missing: await total(t.api, "tandem_auth_failures_total", { reason: "UNAUTHENTICATED" }),
      jwks: await total(t.api, "tandem_jwks_fetches_total", { outcome: "ok" }),
    };
    const user = await signUp(t, "Counted");
    const get = (headers: Record<string, string>) => http(`${t.apiUrl}/api/tasks`, { headers });
    for (let i = 0; i < 6; i += 1)
      expect((await get({ authorization: `Bearer ${user.token}` })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${user.token.slice(0, -4)}AAAA` })).status).toBe(401);
    expect((await get({})).status).toBe(401);

    expect(await total(t.api, "tandem_http_requests_total", route)).toBe(before.requests + 6);
    expect(await total(t.api, "tandem_auth_failures_total", { reason: "INVALID_TOKEN" })).toBe(
      before.invalid + 1,
    );
    expect(await total(t.api, "tandem_auth_failures_total", { reason: "UNAUTHENTICATED" })).toBe(
      before.missing + 1,
    );
    // A fresh topology verified no token before: the instances that got one fetched the key set.
    expect(await total(t.api, "tandem_jwks_fetches_total", { outcome: "ok" })).toBeGreaterThan(before.jwks);
  });

  it("web counters move with sign-ups, sign-ins and refused sign-ins", async () => {
    const t = topology();
    const events = () =>
      Promise.all(
        ["sign_up", "sign_in", "sign_in_failure"].map((event) =>
          total(t.web, "tandem_auth_events_total", { event }),
        ),
      );
    const [signUps, signIns, failures] = await events();
    const user = await signUp(t, "Metered");
    const signIn = (password: string) =>
      authPost(t.webUrl, "/api/auth/sign-in/email", { email: user.email, password }, t.webUrl);
    expect((await signIn(user.password)).status).toBe(200);
    expect((await signIn("not-the-password")).status).toBe(401);
    expect(await events()).toEqual([(signUps ?? 0) + 1, (signIns ?? 0) + 1, (failures ?? 0) + 1]);
  });

  it("carries HAProxy's request id from a page load into the API's log line", async () => {
    const t = topology();
    const user = await signUp(t, "Traced");
    // A well-formed id the client sent is kept; without one HAProxy makes one (checked below).
    const sent = `topology-${randomBytes(8).toString("hex")}`;
    for (const headers of [{ "x-request-id": sent }, {}] as Record<string, string>[]) {
      const page = await http(`${t.webUrl}/tasks`, { headers: { cookie: user.cookie, ...headers } });
      expect(page.status).toBe(200);
    }
    // The render asks for the list and the counts at once: the list's line is the one to find.
    const apiLine = (id: string) => (line: string) =>
      /^\[api\d\] /.test(line) && line.includes(`"reqId":"${id}"`) && line.includes('"path":"/api/tasks"');
    await lineMatching(t, apiLine(sent));

    // The second load: HAProxy's own id, in its log line for the page (between braces). HAProxy
    // writes that line once the response is sent, so it may come after the page itself.
    const pageLine = await lineMatching(
      t,
      (line) => line.startsWith("[haproxy]") && line.includes('"GET /tasks ') && !line.includes(`{${sent}}`),
    );
    const generated = /\{([^}]+)\}/.exec(pageLine)?.[1];
    expect(generated, pageLine).toMatch(/^[0-9a-f-]{36}$/);
    // …then in the API's line for the web server's call.
    await lineMatching(t, apiLine(generated ?? "(none)"));
  });
});
