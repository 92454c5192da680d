import { Agent, createServer, request, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type GracefulShutdown, gracefulShutdown } from "./graceful-shutdown.ts";

// Issue #17: a rolling restart behind a balancer loses no request. A real node:http server on a
// local port; `exit` is recorded instead of ending the test process.

interface Started {
  server: Server;
  port: number;
  shutdown: GracefulShutdown;
  exits: Promise<number>;
  logs: string[];
  /** Requests to `/slow` wait for this before answering. */
  release: () => void;
  /** Resolves once a request to `/slow` has reached the server. */
  slowArrived: Promise<void>;
}

let started: Started | undefined;
afterEach(() => {
  started?.server.closeAllConnections();
  started?.server.close();
  started = undefined;
});

async function start(drainSeconds: number, timeoutSeconds = 5, onClosed?: () => Promise<unknown>) {
  let release!: () => void;
  const slow = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    if (req.url === "/slow") {
      arrived();
      void slow.then(() => res.end("slow done"));
    } else res.end(shutdown.ready() ? "ready" : "not ready");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const logs: string[] = [];
  let exited!: (code: number) => void;
  const exits = new Promise<number>((resolve) => (exited = resolve));
  const shutdown = gracefulShutdown(server, {
    drainSeconds,
    timeoutSeconds,
    log: (level, message) => logs.push(`${level}: ${message}`),
    exit: exited,
    isProbe: (req) => req.url === "/ready",
    ...(onClosed === undefined ? {} : { onClosed }),
  });
  const port = (server.address() as AddressInfo).port;
  started = { server, port, shutdown, exits, logs, release, slowArrived };
  return started;
}

interface Answer {
  status: number | undefined;
  connection: string | undefined;
  body: string;
  socket: Socket;
}

/** A GET on a connection of its own, or on `agent`'s (Node's global agent would reuse one). */
function get(port: number, path: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socket!: Socket;
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode, connection: res.headers.connection, body, socket }),
      );
    });
    req.on("socket", (s) => (socket = s));
    req.on("error", reject);
    req.end();
  });
}

/** GETs `path` every `everyMs` on fresh connections until `stop()`; refused ones are ignored. */
function keepSending(port: number, path: string, everyMs: number) {
  let sending = true;
  let sent = 0;
  const done = (async () => {
    while (sending) {
      sent += 1;
      await get(port, path).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    sent: () => sent,
    stop: () => {
      sending = false;
      return done;
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("gracefulShutdown", () => {
  it("SIGTERM: not ready but still serving for the drain, then refuses new connections and exits 0", async () => {
    const s = await start(0.5);
    expect((await get(s.port, "/")).body).toBe("ready");
    s.shutdown.begin("SIGTERM");
    expect(s.shutdown.phase()).toBe("draining");
    expect(await get(s.port, "/")).toMatchObject({ status: 200, body: "not ready" });
    expect(await s.exits).toBe(0);
    await expect(get(s.port, "/")).rejects.toThrow(/ECONNREFUSED/);
    expect(s.logs).toEqual([
      "info: shutting down (SIGTERM): not ready, draining 0.5 s",
      "info: shutting down: not accepting, finishing 0 in-flight request(s)",
      "info: stopped",
    ]);
  });

  it("finishes a request in flight when the drain ends, telling its client to close", async () => {
    const s = await start(0.1);
    const slow = get(s.port, "/slow");
    await s.slowArrived;
    s.shutdown.begin("SIGTERM");
    await until(() => s.shutdown.phase() === "closing");
    s.release();
    expect(await slow).toMatchObject({ status: 200, body: "slow done", connection: "close" });
    expect(await s.exits).toBe(0);
    expect(s.logs).toContain("info: shutting down: not accepting, finishing 1 in-flight request(s)");
  });

  it("closes an idle keep-alive connection when the drain ends, and answers `Connection: close` on a busy one", async () => {
    const s = await start(0.5);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await get(s.port, "/", agent);
    const idleClosed = new Promise((resolve) => idle.socket.once("close", resolve));
    s.shutdown.begin("SIGTERM");
    // During the drain the connection is kept and reused.
    const again = await get(s.port, "/", agent);
    expect(again.socket).toBe(idle.socket);
    const slow = get(s.port, "/slow");
    await s.slowArrived;
    await idleClosed;
    expect(s.shutdown.phase()).toBe("closing");
    s.release();
    expect((await slow).connection).toBe("close");
    expect(await s.exits).toBe(0);
    // The keep-alive connection's answered requests are not in flight; the slow one is.
    expect(s.logs).toContain("info: shutting down: not accepting, finishing 1 in-flight request(s)");
  });

  it("closes a connection that never sent a request, however long the keep-alive timeout", async () => {
    const s = await start(0.2, 3);
    s.server.keepAliveTimeout = 65_000;
    const silent = connect(s.port, "127.0.0.1");
    await new Promise((resolve) => silent.once("connect", resolve));
    const closed = new Promise((resolve) => silent.once("close", resolve));
    s.shutdown.begin("SIGTERM");
    expect(await s.exits).toBe(0);
    await closed;
  });

  it("SIGINT skips the drain, and cuts one short", async () => {
    const s = await start(60);
    s.shutdown.begin("SIGINT");
    expect(s.shutdown.phase()).toBe("closing");
    expect(await s.exits).toBe(0);

    const t = await start(60);
    t.shutdown.begin("SIGTERM");
    t.shutdown.begin("SIGTERM"); // a repeated SIGTERM does not restart or shorten the drain
    expect(t.shutdown.phase()).toBe("draining");
    t.shutdown.begin("SIGINT");
    expect(t.shutdown.phase()).toBe("closing");
    expect(await t.exits).toBe(0);
  });

  it("exits 1 when in-flight requests outlast the timeout", async () => {
    const s = await start(0, 0.2);
    const slow = get(s.port, "/slow").catch(() => undefined);
    await s.slowArrived;
    s.shutdown.begin("SIGTERM");
    expect(await s.exits).toBe(1);
    expect(s.logs).toContain("warn: in-flight requests did not finish in 0.2 s; exiting");
    s.release();
    await slow;
  });

  it("releases resources after the last connection, and still exits 0 when that fails", async () => {
    const order: string[] = [];
    const s = await start(0, 5, async () => {
      order.push("closed");
      throw new Error("pool already closed");
    });
    s.shutdown.begin("SIGTERM");
    expect(await s.exits).toBe(0);
    expect(order).toEqual(["closed"]);
    expect(s.logs).toContain("warn: shutting down: pool already closed");
  });

  it("goes on draining while requests still arrive (a balancer's checks ran late), and ends once none has for a moment", async () => {
    const s = await start(1);
    const load = keepSending(s.port, "/", 50);
    s.shutdown.begin("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_400));
    // Past the second of drain, but requests came all along: still serving them.
    expect(s.shutdown.phase()).toBe("draining");
    const sentWhileDraining = load.sent();
    await load.stop();
    expect(await s.exits).toBe(0);
    expect(sentWhileDraining).toBeGreaterThan(10);
    expect(s.logs).toContain("info: requests still arriving; draining until none has for 500 ms");
    expect(s.logs.some((line) => line.startsWith("warn:"))).toBe(false);
  });

  it("health checks do not keep it draining", async () => {
    const s = await start(0.5);
    const probes = keepSending(s.port, "/ready", 20);
    s.shutdown.begin("SIGTERM");
    expect(await s.exits).toBe(0);
    await probes.stop();
    expect(probes.sent()).toBeGreaterThan(5);
    expect(s.logs.filter((line) => line.includes("still arriving"))).toEqual([]);
  });

  it("closes after twice the drain when requests never stop, and says so", async () => {
    const s = await start(0.3);
    const load = keepSending(s.port, "/", 20);
    s.shutdown.begin("SIGTERM");
    expect(await s.exits).toBe(0);
    await load.stop();
    expect(s.logs).toContain(
      "warn: requests still arriving 0.6 s after SIGTERM; closing anyway (does the balancer check /ready?)",
    );
  });
});
