// How the web app learns a client's address for Better Auth (rate limits, session history) without
// believing anything the client sent. See docs/decisions/011-client-address-from-the-socket.md.
import type { IncomingHttpHeaders } from "node:http";

/**
 * Set by apps/web/server.ts from the socket's address on every request, replacing any value the
 * client sent; Better Auth reads it when no proxy is trusted.
 */
export const CLIENT_ADDRESS_HEADER = "x-tandem-client-address";

/** Set to "1" in its own environment by apps/web/server.ts, which stamps the header above. */
export const SOCKET_STAMP_ENV = "TANDEM_CLIENT_ADDRESS_FROM_SOCKET";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/**
 * TRUST_PROXY: the request headers a reverse proxy in front of the web app sets to the client's
 * address, comma-separated, in order (`x-real-ip`, `cf-connecting-ip`, `x-forwarded-for`…),
 * lower-cased. Unset, empty or `off`: none. Null when the value is not a list of header names.
 */
export function parseTrustProxy(raw: string | undefined): string[] | null {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "off") return [];
  const names = value.split(",").map((name) => name.trim());
  const valid = names.every((name) => HEADER_NAME.test(name) && !/^(on|true|1|yes)$/.test(name));
  return valid ? names : null;
}

/**
 * The headers Better Auth reads the client address from, in order: those a trusted proxy sets
 * (TRUST_PROXY) or else the one our own server sets. When the app runs without that server (a
 * bare `next start`), nothing overwrites the header, so none is read: every client then shares
 * one bucket, which is safe where a forgeable one would not be.
 */
export function clientAddressHeaders(trustProxy: readonly string[], stampedBySocket: boolean): string[] {
  if (trustProxy.length > 0) return [...trustProxy];
  return stampedBySocket ? [CLIENT_ADDRESS_HEADER] : [];
}

/** `::ffff:127.0.0.2` → `127.0.0.2`: Better Auth would otherwise collapse IPv4 clients into one IPv6 /64. */
export function socketAddress(remoteAddress: string | undefined): string | undefined {
  if (remoteAddress === undefined || remoteAddress === "") return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(remoteAddress);
  return mapped?.[1] ?? remoteAddress;
}

/**
 * Replaces whatever the client sent in the internal header: with the socket's address when no
 * proxy is trusted, with nothing when one is (the proxy's own headers name the client then).
 */
export function stampClientAddress(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
  trustProxy: readonly string[],
): void {
  Reflect.deleteProperty(headers, CLIENT_ADDRESS_HEADER);
  const address = socketAddress(remoteAddress);
  if (trustProxy.length === 0 && address !== undefined) headers[CLIENT_ADDRESS_HEADER] = address;
}
