// Issue 17: the web server's sign-in metrics, and their port that answers only with the token.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { serveMetrics } from "@tandem/server";
import { createWebMetrics } from "./web-metrics";

function sample(text: string, line: string): number {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe("web metrics", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  it("counts each auth event the plugin reports", async () => {
    const metrics = createWebMetrics({ defaults: false });
    metrics.record("sign_up");
    metrics.record("sign_in");
    metrics.record("sign_in_failure");
    metrics.record("sign_in_failure");
    metrics.record("lockout");
    const text = await metrics.registry.metrics();
    expect(sample(text, 'tandem_auth_events_total{event="sign_up"}')).toBe(1);
    expect(sample(text, 'tandem_auth_events_total{event="sign_in"}')).toBe(1);
    expect(sample(text, 'tandem_auth_events_total{event="sign_in_failure"}')).toBe(2);
    expect(sample(text, 'tandem_auth_events_total{event="lockout"}')).toBe(1);
  });

  it("serves /metrics only to a scrape with the bearer token", async () => {
    const metrics = createWebMetrics({ defaults: false });
    const server = serveMetrics({
      registry: metrics.registry,
      port: 0,
      hostname: "127.0.0.1",
      token: "t".repeat(32),
    });
    closers.push(() => server.close());
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${"t".repeat(32)}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("tandem_auth_events_total");
    expect((await fetch(url.replace("/metrics", "/"))).status).toBe(404);
  });
});
