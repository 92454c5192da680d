import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  hostname: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `GET /metrics` in the Prometheus text format on a port of its own, so the public port never
 * serves it: operators expose it to their scraper only (docs/operations.md).
 *
 * @example
 * serveMetrics({ registry: metrics.registry, port: 9464, hostname: "127.0.0.1" });
 */
export function serveMetrics({ registry, port, hostname, token }: MetricsServerOptions): Server {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    if (!authorized(req.headers.authorization, token)) {
      res.writeHead(401, { "WWW-Authenticate": "Bearer" }).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "Content-Type": registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, hostname);
  return server;
}
