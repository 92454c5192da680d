import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../types.ts";
import { requestHeader, setResponseHeader } from "./node-headers.ts";

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) allowed to call the API from a browser. */
  origins: ReadonlySet<string>;
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  maxAgeSeconds: number;
}

/**
 * CORS with an exact origin allowlist. Unlike Hono's `cors()`, every header is set before the
 * handler runs (as prepared headers the response is created with): Hono's version appends
 * `Vary` after the handler, which makes `@hono/node-server` rebuild the whole response as a
 * WHATWG Response and stream its body, a large part of a small authenticated request's cost
 * (see docs/decisions/007-list-path-database-tuning.md). Behaviour is the same: a disallowed origin gets no `Access-Control-*`
 * grant; a preflight (`OPTIONS`) is answered 204 here without reaching the routes.
 */
export function corsAllowlist(options: CorsOptions) {
  const methods = options.allowMethods.join(", ");
  const allowHeaders = options.allowHeaders.join(", ");
  const exposeHeaders = options.exposeHeaders.join(", ");
  const maxAge = String(options.maxAgeSeconds);
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = requestHeader(c, "origin");
    const allowed = origin !== undefined && options.origins.has(origin);
    if (c.req.method === "OPTIONS") {
      const headers: Record<string, string> = { Vary: "Origin, Access-Control-Request-Headers" };
      if (allowed) {
        headers["Access-Control-Allow-Origin"] = origin;
        headers["Access-Control-Allow-Methods"] = methods;
        headers["Access-Control-Allow-Headers"] = allowHeaders;
        headers["Access-Control-Max-Age"] = maxAge;
      }
      return c.body(null, 204, headers);
    }
    setResponseHeader(c, "Vary", "Origin");
    if (allowed) {
      setResponseHeader(c, "Access-Control-Allow-Origin", origin);
      setResponseHeader(c, "Access-Control-Expose-Headers", exposeHeaders);
    }
    await next();
  });
}
