import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type ShutdownPhase = "serving" | "draining" | "closing";

export interface GracefulShutdownOptions {
  /**
   * Seconds `/ready` fails while every other request is still served, before the server stops
   * accepting: long enough for the balancer's health checks to mark the instance down (0 = none).
   * If requests are still arriving when it ends, it goes on until none has for a moment (at most
   * as long again): see `quietMs`.
   */
  drainSeconds: number;
  /** The balancer's health checks (`/ready`): they say nothing about whether it still sends work. */
  isProbe?: (req: IncomingMessage) => boolean;
  /** Seconds in-flight requests get once the server stops accepting; then the process exits 1. */
  timeoutSeconds: number;
  /** Releases what requests used (database pools…), after the last connection has closed. */
  onClosed?: () => Promise<unknown>;
  log: (level: "info" | "warn", message: string) => void;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
}

export interface GracefulShutdown {
  /** False from the first signal on: `/ready` answers 503 so the balancer sends no new requests. */
  ready(): boolean;
  phase(): ShutdownPhase;
  /**
   * SIGTERM (the orchestrator's) drains first; SIGINT (Ctrl-C in development), or a SIGINT during
   * the drain, closes at once. Any other repeated signal is ignored.
   */
  begin(signal: NodeJS.Signals): void;
}

// Each connection's response in flight, kept on the connection (as Node keeps its own) rather than
// in a set that every request joins and leaves: with such a set, a response answered in a later turn
// of the event loop than its request's (every write under the group commit) was promoted by V8's
// scavenger with its whole request, and the scavenges grew tenfold
// (docs/decisions/035-in-flight-responses-on-the-connection.md).
const RESPONSE = Symbol("response in flight");
type TrackedSocket = Socket & { [RESPONSE]?: ServerResponse | undefined };

/**
 * The shutdown a load balancer can follow: not ready, drain, stop accepting, finish in-flight
 * requests, close keep-alive connections, exit. Call it once the server exists: it tracks the
 * server's requests from then on.
 *
 * @example
 * const shutdown = gracefulShutdown(server, {
 *   drainSeconds: 5,
 *   timeoutSeconds: 10,
 *   onClosed: () => database.destroy(),
 *   log: (level, message) => logger[level](message),
 * });
 * process.on("SIGTERM", () => shutdown.begin("SIGTERM"));
 * // and in /ready: if (!shutdown.ready()) answer 503
 */
export function gracefulShutdown(server: Server, options: GracefulShutdownOptions): GracefulShutdown {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const sockets = new Set<TrackedSocket>();
  let phase: ShutdownPhase = "serving";
  let drainTimer: NodeJS.Timeout | undefined;
  let drainStartedAt = 0;
  let lastArrivalAt = 0;
  let extended = false;

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Prepended so it runs before the framework's listener writes anything. Once closing, a
  // keep-alive client must not send another request down a connection about to close: every
  // response from then on says `Connection: close` (and Node closes the socket after it).
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (phase === "closing") res.setHeader("Connection", "close");
    // Only arrivals during the drain decide when it ends: nothing to do per request before it.
    else if (phase === "draining" && options.isProbe?.(req) !== true) lastArrivalAt = performance.now();
    const socket = req.socket as TrackedSocket;
    socket[RESPONSE] = res;
    // An idle keep-alive connection holds no finished response.
    res.once("close", () => {
      if (socket[RESPONSE] === res) socket[RESPONSE] = undefined;
    });
  });

  /** The responses not yet finished: at most one per connection (a pipelined one waits its turn). */
  function inFlight(): ServerResponse[] {
    const responses: ServerResponse[] = [];
    for (const socket of sockets) {
      const res = socket[RESPONSE];
      if (res !== undefined && !res.writableFinished) responses.push(res);
    }
    return responses;
  }

  function close(): void {
    phase = "closing";
    const responses = inFlight();
    options.log("info", `shutting down: not accepting, finishing ${responses.length} in-flight request(s)`);
    for (const res of responses) if (!res.headersSent) res.setHeader("Connection", "close");
    const force = setTimeout(() => {
      options.log("warn", `in-flight requests did not finish in ${options.timeoutSeconds} s; exiting`);
      exit(1);
    }, options.timeoutSeconds * 1000);
    force.unref();
    server.close(() => {
      void Promise.resolve()
        .then(options.onClosed)
        .catch((error: unknown) => {
          options.log("warn", `shutting down: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          options.log("info", "stopped");
          exit(0);
        });
    });
    // Idle keep-alive connections would otherwise hold `close` open until their keep-alive timeout;
    // so would a connection that never sent a byte (a balancer's spare one), which Node does not
    // count as idle.
    server.closeIdleConnections();
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  }

  // Closing while the balancer still sends races it: it may pick an idle keep-alive connection
  // just as this server closes it, and then drops its client's connection without an answer
  // (HAProxy's "safe" reuse expects the client to retry; Node's fetch does not). A balancer whose
  // checks ran late is still sending when the drain ends, so wait until it has stopped.
  function closeWhenQuiet(): void {
    const now = performance.now();
    const quiet = quietMs(options.drainSeconds);
    const idle = now - lastArrivalAt;
    if (idle >= quiet) return close();
    if (now - drainStartedAt >= 2 * options.drainSeconds * 1000) {
      options.log(
        "warn",
        `requests still arriving ${(2 * options.drainSeconds).toFixed(1)} s after SIGTERM; closing anyway (does the balancer check /ready?)`,
      );
      return close();
    }
    if (!extended) {
      extended = true;
      options.log("info", `requests still arriving; draining until none has for ${quiet} ms`);
    }
    drainTimer = setTimeout(closeWhenQuiet, quiet - idle);
  }

  return {
    ready: () => phase === "serving",
    phase: () => phase,
    begin(signal) {
      if (phase === "closing") return;
      if (phase === "draining") {
        if (signal !== "SIGINT") return;
        clearTimeout(drainTimer);
        close();
        return;
      }
      if (signal === "SIGINT" || options.drainSeconds === 0) {
        options.log("info", `shutting down (${signal})`);
        close();
        return;
      }
      phase = "draining";
      drainStartedAt = performance.now();
      options.log("info", `shutting down (${signal}): not ready, draining ${options.drainSeconds} s`);
      drainTimer = setTimeout(closeWhenQuiet, options.drainSeconds * 1000);
    },
  };
}

/**
 * How long no request may have arrived before the drain may end: a balancer that has taken the
 * instance out sends nothing more, while one still sending under load sends far more often.
 */
function quietMs(drainSeconds: number): number {
  return Math.min(1_000, (drainSeconds * 1000) / 2);
}
