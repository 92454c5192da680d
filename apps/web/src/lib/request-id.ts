import { ACCESS_TOKEN_PREFIX } from "@tandem/contracts/access-tokens";

/** What the API accepts as a caller's id (apps/api/src/http/middleware.ts); anything else is replaced. */
const REQUEST_ID = /^[\w=-]{1,128}$/;

/**
 * The id of the request being rendered: the one a proxy in front gave it (HAProxy sets
 * `X-Request-Id`, deploy/haproxy.cfg) when it is safe to pass on and log, else a fresh UUID. So
 * the balancer's log line, the web server's and the API's carry the same id.
 *
 * @example
 * requestIdFor((await headers()).get("x-request-id"));
 */
export function requestIdFor(incoming: string | null | undefined): string {
  const usable = incoming != null && REQUEST_ID.test(incoming) && !incoming.includes(ACCESS_TOKEN_PREFIX);
  return usable ? incoming : crypto.randomUUID();
}

/**
 * `fetchImpl` sending `X-Request-Id: <id>` on every call, so the API's log line for a call the
 * web server made carries the same id as the web server's own log.
 *
 * @example
 * const requestId = crypto.randomUUID();
 * createApiClient({ baseUrl, tokens, fetch: withRequestId(requestId) });
 */
export function withRequestId(id: string, fetchImpl: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set("X-Request-Id", id);
    return fetchImpl(input, { ...init, headers });
  };
}
