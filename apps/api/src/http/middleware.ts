import { ACCESS_TOKEN_PREFIX } from "@tandem/contracts";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../types.ts";

const REQUEST_ID = /^[\w=-]{1,255}$/;
/** Anything shaped like a personal access token (decision 017), wherever a client put it. */
const ACCESS_TOKEN_LIKE = new RegExp(`${ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]*`, "g");

/** `text` with every access-token-shaped part replaced, for the logs. */
export function withoutAccessTokens(text: string): string {
  return text.replace(ACCESS_TOKEN_LIKE, `${ACCESS_TOKEN_PREFIX}[redacted]`);
}

/**
 * The request's id: the client's `X-Request-Id` when it is safe to echo and log (word characters,
 * `-` and `=`, at most 255, and no personal access token pasted into it), else a fresh UUID. It
 * is answered in `X-Request-Id` and tags every log line of the request.
 */
export function requestIds() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id =
      incoming !== undefined && REQUEST_ID.test(incoming) && !incoming.includes(ACCESS_TOKEN_PREFIX)
        ? incoming
        : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });
}

/**
 * One structured log line per request with its id. The query string is left out (it is the
 * client's business), no header is logged, and a personal access token pasted into the path
 * (`/api/<token>/tasks` for `/api/<user id>/tasks`) is redacted, so a token can never reach the logs.
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
      path: withoutAccessTokens(c.req.path),
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
