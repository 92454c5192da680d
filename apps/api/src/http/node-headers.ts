import type { Context } from "hono";
import type { AppEnv } from "../types.ts";

/**
 * Request and response headers straight from Node's `IncomingMessage` and `ServerResponse` when the
 * app runs under @hono/node-server, and through Hono's `c.req.header` / `c.header` otherwise
 * (`app.request` in tests). Why (docs/decisions/022-per-request-middleware.md): the first
 * `c.req.header()` makes @hono/node-server copy every incoming header into a WHATWG `Headers`
 * (each name and value validated), and the first `c.header()` creates another `Headers` that the
 * server later converts back to a plain object; together they cost more per request than Hono's
 * own routing. Node has already parsed both sides.
 */

/**
 * The value of request header `name` (lower case), as `Headers.get` would give it: every
 * occurrence joined with ", " (so two `Authorization` headers read as one invalid value, as
 * before, instead of Node's first-one-wins), or undefined when absent.
 */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (incoming === undefined) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) {
      const v = raw[i + 1] as string;
      value = value === undefined ? v : `${value}, ${v}`;
    }
  }
  return value;
}

/**
 * Sets response header `name` before the handler runs. Under Node it goes on the
 * `ServerResponse`, and a header the handler's own response sets with the same name wins (Node
 * merges `setHeader` with `writeHead`, the latter taking precedence), just as a later `c.header`
 * replaces an earlier one.
 */
export function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  const outgoing = c.env?.outgoing;
  if (outgoing === undefined || outgoing.headersSent) c.header(name, value);
  else outgoing.setHeader(name, value);
}
