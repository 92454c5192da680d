// Prometheus metrics of the web server. Not `server-only`: server.ts, outside Next.js,
// serves them. The registry lives on globalThis because server.ts and Next.js's compiled routes
// load this module separately; both must count into, and scrape, the same one.
import type { AuthEvent } from "@tandem/auth";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";

export interface WebMetrics {
  registry: Registry;
  /** Counts one Better Auth event (the `onAuthEvent` of createAuth). */
  record(event: AuthEvent): void;
}

const KEY = Symbol.for("tandem.web.metrics");

/** A fresh registry with the sign-in counters (tests); the process uses `webMetrics()`. */
export function createWebMetrics({ defaults = true }: { defaults?: boolean } = {}): WebMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  const events = new Counter({
    name: "tandem_auth_events_total",
    help: "Sign-ins, refused sign-ins, lockouts engaged and sign-ups, by event",
    labelNames: ["event"] as const,
    registers: [registry],
  });
  for (const event of ["sign_in", "sign_in_failure", "lockout", "sign_up"] as const) events.inc({ event }, 0);
  return { registry, record: (event) => events.inc({ event }) };
}

/** The process's metrics, created on first use. */
export function webMetrics(): WebMetrics {
  const slot = globalThis as { [KEY]?: WebMetrics };
  slot[KEY] ??= createWebMetrics();
  return slot[KEY];
}
