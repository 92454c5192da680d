// HTTP for the security suite: every exchange made while a case runs is recorded (per case, even
// when cases run concurrently), so a failing case can print what it sent and what came back.
import { AsyncLocalStorage } from "node:async_hooks";

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody: string | undefined;
  status: number | undefined;
  responseHeaders: [string, string][];
  responseBody: string | undefined;
  error?: string;
}

const recorder = new AsyncLocalStorage<Exchange[]>();

/** Runs `work` with its own exchange log; returns the log alongside the outcome. */
export async function recording<T>(
  work: () => Promise<T>,
): Promise<{ exchanges: Exchange[]; result: Promise<T> }> {
  const exchanges: Exchange[] = [];
  const result = recorder.run(exchanges, work);
  // Let the caller see the log whether `work` resolves or throws.
  await result.catch(() => undefined);
  return { exchanges, result };
}

export interface HttpInit {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as is. */
  body?: string | Uint8Array;
  /** Sent as JSON with `Content-Type: application/json` (unless a content type is given). */
  json?: unknown;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = Record<string, unknown>>(): T;
  /** The `Set-Cookie` headers, one per cookie. */
  cookies: string[];
}

/** Makes one request, records it, and reads the whole response body. Never follows redirects. */
export async function http(url: string, init: HttpInit = {}): Promise<HttpResponse> {
  const headers = new Headers(init.headers);
  let body: string | Uint8Array | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const method = init.method ?? (body === undefined ? "GET" : "POST");
  const exchange: Exchange = {
    method,
    url,
    requestHeaders: [...headers.entries()],
    requestBody:
      body === undefined ? undefined : typeof body === "string" ? body : `<${body.byteLength} bytes>`,
    status: undefined,
    responseHeaders: [],
    responseBody: undefined,
  };
  recorder.getStore()?.push(exchange);
  try {
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    exchange.status = response.status;
    exchange.responseHeaders = [...response.headers.entries()];
    exchange.responseBody = text;
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
      cookies: response.headers.getSetCookie(),
    };
  } catch (error) {
    exchange.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw error;
  }
}

const LONG_VALUE = 60;

/** Authorization values (tokens) and cookies shortened, so the report shows their shape, not the secret. */
function shortenHeader(name: string, value: string): string {
  if (!/^(authorization|cookie|set-cookie)$/i.test(name) || value.length <= LONG_VALUE) return value;
  return `${value.slice(0, 40)}…(${value.length} chars)`;
}

function shortenBody(body: string): string {
  return body.length > 1500 ? `${body.slice(0, 1500)}…(${body.length} chars)` : body;
}

/** One exchange as text: `→ METHOD url`, request headers and body, `← status`, response headers and body. */
export function formatExchange(exchange: Exchange): string {
  const lines = [`→ ${exchange.method} ${exchange.url}`];
  for (const [name, value] of exchange.requestHeaders)
    lines.push(`    ${name}: ${shortenHeader(name, value)}`);
  if (exchange.requestBody !== undefined) lines.push(`    ${shortenBody(exchange.requestBody)}`);
  if (exchange.error !== undefined) {
    lines.push(`← (no response: ${exchange.error})`);
  } else if (exchange.status === undefined) {
    lines.push("← (no response yet)");
  } else {
    lines.push(`← ${exchange.status}`);
    for (const [name, value] of exchange.responseHeaders)
      lines.push(`    ${name}: ${shortenHeader(name, value)}`);
    if (exchange.responseBody) lines.push(`    ${shortenBody(exchange.responseBody)}`);
  }
  return lines.join("\n");
}

/** The report printed under a failed case: the last `full` exchanges in full, earlier ones as one line each. */
export function formatExchanges(exchanges: Exchange[], full = 3): string {
  if (exchanges.length === 0) return "(no HTTP exchange was made)";
  const earlier = exchanges
    .slice(0, -full)
    .map((e) => `  ${e.method} ${e.url} → ${e.status ?? e.error ?? "?"}`);
  const last = exchanges.slice(-full).map(formatExchange);
  return [
    ...(earlier.length > 0 ? [`${earlier.length} earlier exchange(s):`, ...earlier, ""] : []),
    ...last,
  ].join("\n");
}
