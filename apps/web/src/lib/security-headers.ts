// The headers that depend on run-time configuration (the API's origin, whether the public URL is
// https) or on the request (the CSP nonce). They are set by proxy.ts, since next.config.ts headers
// are fixed at build time; the static ones (nosniff, Referrer-Policy, COOP…) stay there.

export const HSTS = "max-age=31536000; includeSubDomains";

export interface CspOptions {
  /** Fresh per response: Next.js reads it back from the request's CSP header for its own scripts. */
  nonce: string;
  /** The API's URL as the browser reaches it (NEXT_PUBLIC_API_URL): the page calls it with fetch. */
  apiUrl: string;
  /** `next dev` evaluates code for React's debugging aids and Fast Refresh. */
  development: boolean;
}

/**
 * The page CSP: only this origin's resources and nonce-carrying scripts, no framing.
 *
 * @example
 * contentSecurityPolicy({ nonce, apiUrl: "https://api.example.com", development: false })
 */
export function contentSecurityPolicy({ nonce, apiUrl, development }: CspOptions): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonce-carrying bootstrap load Next's chunks; browsers without it
    // fall back to 'self'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // React and next/font write style attributes and <style> elements without a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${new URL(apiUrl).origin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** A nonce of 128 random bits, base64 (what CSP's nonce-source grammar allows). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** HSTS only over https: browsers ignore it on http, and it must not pin localhost development. */
export function strictTransportSecurity(publicUrl: string): string | undefined {
  return new URL(publicUrl).protocol === "https:" ? HSTS : undefined;
}
