import { ACCESS_TOKEN_PREFIX } from "@tandem/contracts";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../types.ts";
import { answerAtEndOf, arrivalTurn } from "./end-of-turn.ts";
import { requestHeader, setResponseHeader } from "./node-headers.ts";

const REQUEST_ID = /^[\w=-]{1,255}$/;
/** Anything shaped like a personal access token (decision 017), wherever a client put it. */
const ACCESS_TOKEN_LIKE = new RegExp(`${ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]*`, "g");

/** `text` with every access-token-shaped part replaced, for the logs. */
export function withoutAccessTokens(text: string): string {
  return text.replace(ACCESS_TOKEN_LIKE, `${ACCESS_TOKEN_PREFIX}[redacted]`);
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * What every request gets, in one middleware (each layer of Hono's middleware chain is a promise
 * per request; docs/decisions/022-per-request-middleware.md):
 * - its id: the client's `X-Request-Id` when it is safe to echo and log (word characters, `-` and
 *   `=`, at most 255, and no personal access token pasted into it), else a fresh UUID, answered in
 *   `X-Request-Id` and on every log line of the request;
 * - security headers, set before the handler so that one that needs another value (the docs
 *   page's own CSP) sets it on its response and that one is sent; user data under `/api` is never
 *   cached by browsers or proxies;
 * - its answer held to the end of the event loop's turn it is ready in, so that the turn's answers
 *   are written together (end-of-turn.ts);
 * - one structured log line when it is answered. The query string is left out (it is the client's
 *   business), no header is logged, and a personal access token pasted into the path
 *   (`/api/<token>/tasks` for `/api/<user id>/tasks`) is redacted, so a token can never reach the
 *   logs.
 */
export function requestEnvelope(logger: Logger) {
  // The access line has fixed fields built here, none of which can hold a secret, so it skips the
  // logger's redaction pass (a third of the line's cost); every other line keeps it.
  const access = logger.child({}, { redact: [] });
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const arrived = arrivalTurn();
    const incoming = requestHeader(c, "x-request-id");
    const reqId =
      incoming !== undefined && REQUEST_ID.test(incoming) && !incoming.includes(ACCESS_TOKEN_PREFIX)
        ? incoming
        : crypto.randomUUID();
    c.set("requestId", reqId);
    c.set("rootLogger", logger);
    setResponseHeader(c, "X-Request-Id", reqId);
    setResponseHeader(c, "X-Content-Type-Options", "nosniff");
    setResponseHeader(c, "Referrer-Policy", "no-referrer");
    setResponseHeader(c, "X-Frame-Options", "DENY");
    setResponseHeader(c, "Content-Security-Policy", API_CSP);
    const path = c.req.path;
    if (path.startsWith("/api/") || path === "/api") setResponseHeader(c, "Cache-Control", "no-store");
    await next();
    await answerAtEndOf(arrived);
    const status = c.res.status;
    const entry = {
      reqId,
      method: c.req.method,
      path: withoutAccessTokens(path),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.get("identity")?.userId,
    };
    if (status >= 500) access.error(entry, "request failed");
    else access.info(entry, "request");
  });
}

/**
 * The request's logger, every line tagged with its id; made on first use, because most requests
 * log nothing but their access line.
 */
export function requestLogger(c: Context<AppEnv>): Logger {
  let log = c.get("logger") as Logger | undefined;
  if (log === undefined) {
    log = c.get("rootLogger").child({ reqId: c.get("requestId") });
    c.set("logger", log);
  }
  return log;
}
