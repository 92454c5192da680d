// What both Node servers (apps/api, apps/web/server.ts) need behind a load balancer: the shutdown
// sequence a balancer can follow, and Prometheus metrics on a port of their own.
export { gracefulShutdown } from "./graceful-shutdown.ts";
export type { GracefulShutdown, GracefulShutdownOptions, ShutdownPhase } from "./graceful-shutdown.ts";
export { serveMetrics } from "./metrics-server.ts";
export type { MetricsServerOptions } from "./metrics-server.ts";
