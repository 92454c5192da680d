import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../types.ts";

/**
 * One structured log line per request with its id. The query string is left out (it is the
 * client's business) and no header is logged, so a token can never reach the logs.
 */
export function requestLogging(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const log = logger.child({ reqId: c.get("requestId") });
    c.set("logger", log);
    await next();
    const status = c.res.status;
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.get("identity")?.userId,
    };
    if (status >= 500) log.error(entry, "request failed");
    else log.info(entry, "request");
  });
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers for every response; user data is never cached by browsers or proxies. */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", API_CSP);
    if (c.req.path.startsWith("/api/") || c.req.path === "/api") headers.set("Cache-Control", "no-store");
    headers.delete("X-Powered-By");
  });
}
