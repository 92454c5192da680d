// The web app's server: Next.js behind a few lines that give Better Auth the client's address. Next
// fills `x-forwarded-for` only when the client sent none (a forgeable value wins), so this server
// stamps its own header from the socket instead, replacing any value the client sent.
// Usage: tsx server.ts start|dev --port 3000 (in production, the bundle the build writes:
// node dist/server.js start --port 3000).
import { createServer } from "node:http";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { parseTrustProxy, SOCKET_STAMP_ENV, stampClientAddress } from "./src/lib/client-address.ts";
import { EmailConfigError, resolveEmailSetting } from "./src/lib/email-setting.ts";
import { gracefulShutdown, serveMetrics } from "@tandem/server";
import { answerReadiness, isReadyRequest, shutdownSeconds } from "./src/lib/graceful-shutdown.ts";
import { webMetrics } from "./src/lib/web-metrics.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string", default: "3000" }, hostname: { type: "string" } },
});
const mode = positionals[0] ?? "start";
const port = Number(values.port);
if ((mode !== "start" && mode !== "dev") || !Number.isInteger(port) || port < 1 || port > 65535) {
  console.error("Usage: tsx server.ts start|dev [--port 3000] [--hostname ::]");
  process.exit(2);
}
const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
if (trustProxy === null) {
  console.error(`Tandem web: invalid TRUST_PROXY "${process.env.TRUST_PROXY}" (see docs/configuration)`);
  process.exit(1);
}
// How a SIGTERM is followed behind a load balancer (docs/configuration.md): fail /ready for the
// drain, then finish in-flight requests within the timeout. Idle keep-alive connections outlive
// the balancer's idle connections to the instance, so the balancer always closes them first.
let drainSeconds: number;
let timeoutSeconds: number;
let keepAliveSeconds: number;
try {
  drainSeconds = shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", process.env.SHUTDOWN_DRAIN_SECONDS, 0, {
    min: 0,
    max: 120,
  });
  timeoutSeconds = shutdownSeconds("SHUTDOWN_TIMEOUT_SECONDS", process.env.SHUTDOWN_TIMEOUT_SECONDS, 10, {
    min: 1,
    max: 120,
  });
  keepAliveSeconds = shutdownSeconds(
    "KEEP_ALIVE_TIMEOUT_SECONDS",
    process.env.KEEP_ALIVE_TIMEOUT_SECONDS,
    65,
    {
      min: 1,
      max: 600,
    },
  );
} catch (error) {
  console.error(`Tandem web: invalid configuration\n  - ${(error as Error).message}`);
  process.exit(1);
}
const dev = mode === "dev";
// As `next start` and `next dev` do; the variable is typed read-only by Next.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production", [SOCKET_STAMP_ENV]: "1" });
// Checked before Next.js starts (the rest of the configuration is checked on the first request):
// a production server that cannot send reset or verification mail must not come up at all.
try {
  resolveEmailSetting({ ...process.env });
} catch (error) {
  if (!(error instanceof EmailConfigError)) throw error;
  console.error(`Tandem web: invalid configuration\n  - ${error.message}`);
  process.exit(1);
}

const app = next({
  dev,
  // The app's folder: this file's, or its parent's for the bundle in dist/.
  dir: basename(import.meta.dirname) === "dist" ? dirname(import.meta.dirname) : import.meta.dirname,
  port,
  ...(values.hostname ? { hostname: values.hostname } : {}),
});
const handle = app.getRequestHandler();
await app.prepare();
const server = createServer((req, res) => {
  // The balancer's check: ready unless shutting down (the database is not asked, see answerReadiness).
  if (isReadyRequest(req)) return answerReadiness(req, res, shutdown.ready());
  stampClientAddress(req.headers, req.socket.remoteAddress, trustProxy);
  void handle(req, res);
});
server.keepAliveTimeout = keepAliveSeconds * 1000;
const shutdown = gracefulShutdown(server, {
  drainSeconds,
  timeoutSeconds,
  isProbe: isReadyRequest,
  log: (level, message) => (level === "warn" ? console.warn : console.log)(`Tandem web: ${message}`),
});
server.listen(port, values.hostname, () => {
  console.log(`Web app listening on port ${port} (${mode})`);
});
// Metrics on their own port, off unless METRICS_PORT is set (docs/operations.md).
const metricsPort = Number(process.env.METRICS_PORT ?? "0");
if (metricsPort > 0) {
  const metricsServer = serveMetrics({
    registry: webMetrics().registry,
    port: metricsPort,
    hostname: process.env.METRICS_HOST ?? "127.0.0.1",
    ...(process.env.METRICS_TOKEN ? { token: process.env.METRICS_TOKEN } : {}),
  });
  metricsServer.on("error", (error) => {
    console.error(`Tandem web: cannot listen for metrics on port ${metricsPort}: ${error.message}`);
    process.exit(1);
  });
  metricsServer.unref();
}
process.on("SIGTERM", () => shutdown.begin("SIGTERM"));
process.on("SIGINT", () => shutdown.begin("SIGINT"));
