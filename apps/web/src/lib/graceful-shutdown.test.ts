import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { gracefulShutdown } from "@tandem/server";
import { answerReadiness, isReadyRequest, shutdownSeconds } from "./graceful-shutdown";

// Issue #17: the web server behind a load balancer, as apps/web/server.ts wires it: /ready answered
// before the app while shutting down, everything else served through the drain. The sequence
// itself is covered in depth by packages/server/src/graceful-shutdown.test.ts.

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

interface Answer {
  status: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, method: string, path: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("shutdownSeconds", () => {
  const range = { min: 0, max: 120 };
  it("reads whole seconds in range, and the fallback when unset or empty", () => {
    expect(shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", "5", 0, range)).toBe(5);
    expect(shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", "0", 3, range)).toBe(0);
    expect(shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", undefined, 3, range)).toBe(3);
    expect(shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", "", 3, range)).toBe(3);
  });

  it.each(["1.5", "-1", "121", "5s", " 5", "1e2"])("refuses %j, naming the variable", (raw) => {
    expect(() => shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", raw, 0, range)).toThrow(
      "SHUTDOWN_DRAIN_SECONDS must be a whole number of seconds between 0 and 120",
    );
  });
});

it("recognises the health check by method and path, whatever the query", () => {
  expect(isReadyRequest({ method: "GET", url: "/ready" })).toBe(true);
  expect(isReadyRequest({ method: "HEAD", url: "/ready?probe=1" })).toBe(true);
  expect(isReadyRequest({ method: "POST", url: "/ready" })).toBe(false);
  expect(isReadyRequest({ method: "GET", url: "/ready/x" })).toBe(false);
  expect(isReadyRequest({ method: "GET", url: "/" })).toBe(false);
});

it("SIGTERM: /ready answers 503 JSON while pages are still served, then the server closes and exits 0", async () => {
  let exited!: (code: number) => void;
  const exits = new Promise<number>((resolve) => (exited = resolve));
  const logs: string[] = [];
  const s = createServer((req, res) => {
    if (isReadyRequest(req)) return answerReadiness(req, res, shutdown.ready());
    res.end("page");
  });
  server = s;
  const shutdown = gracefulShutdown(s, {
    drainSeconds: 1,
    timeoutSeconds: 5,
    log: (_level, message) => logs.push(message),
    exit: exited,
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  const before = await send(port, "GET", "/ready");
  expect([before.status, JSON.parse(before.body)]).toEqual([200, { status: "ready" }]);
  expect(before.headers["cache-control"]).toBe("no-store");

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await send(port, "GET", "/", agent);
  shutdown.begin("SIGTERM");
  const ready = await send(port, "GET", "/ready");
  expect(ready.status).toBe(503);
  expect(ready.headers["content-type"]).toBe("application/json");
  expect(ready.headers["cache-control"]).toBe("no-store");
  expect(JSON.parse(ready.body)).toEqual({ status: "shutting down" });
  const head = await send(port, "HEAD", "/ready");
  expect([head.status, head.body]).toEqual([503, ""]);
  // Pages, on the balancer's existing keep-alive connection too, until the drain ends.
  expect(await send(port, "GET", "/", agent)).toMatchObject({ status: 200, body: "page" });

  expect(await exits).toBe(0);
  expect(logs).toEqual([
    "shutting down (SIGTERM): not ready, draining 1 s",
    "shutting down: not accepting, finishing 0 in-flight request(s)",
    "stopped",
  ]);
  expect(s.listening).toBe(false);
  agent.destroy();
});
