// The web server's side of the shutdown behind a load balancer: its settings and its
// own answer to the health check while shutting down (apps/web/server.ts answers /ready before
// Next.js does). The sequence itself is @tandem/server's, shared with the API.
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A shutdown setting from the environment: whole seconds within `min`–`max`, `fallback` when unset.
 * Throws a one-line message naming the variable otherwise.
 *
 * @example
 * shutdownSeconds("SHUTDOWN_DRAIN_SECONDS", process.env.SHUTDOWN_DRAIN_SECONDS, 0, { min: 0, max: 120 });
 */
export function shutdownSeconds(
  name: string,
  raw: string | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (raw === undefined || raw === "") return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new Error(`${name} must be a whole number of seconds between ${range.min} and ${range.max}`);
  }
  return value;
}

/** Whether a request is the balancer's health check (`GET` or `HEAD /ready`, any query). */
export function isReadyRequest(req: Pick<IncomingMessage, "method" | "url">): boolean {
  return (req.method === "GET" || req.method === "HEAD") && (req.url ?? "").split("?")[0] === "/ready";
}

/**
 * The balancer's health check, answered before Next.js sees it: 200 while the server can serve,
 * 503 from SIGTERM on. The database is not asked (docs/decisions/019-reference-topology.md): its
 * outage is every instance's, and taking them all out would replace the app's own outage notice
 * with the balancer's error page.
 */
export function answerReadiness(
  req: Pick<IncomingMessage, "method">,
  res: ServerResponse,
  ready: boolean,
): void {
  const body = JSON.stringify({ status: ready ? "ready" : "shutting down" });
  res.writeHead(ready ? 200 : 503, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
