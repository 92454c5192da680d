import { type NextRequest, NextResponse } from "next/server";
import { env } from "./env";
import { REQUEST_PATH_HEADER } from "./lib/request-path";
import { RESET_TOKEN_COOKIE, RESET_TOKEN_MAX_AGE } from "./lib/reset-token";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "./lib/security-headers";

// A fast path only: a visitor without a session cookie is sent to sign-in before any rendering.
// The protected layout still checks the session itself (a cookie can be stale or forged).
const SESSION_COOKIES = ["better-auth.session_token", "__Secure-better-auth.session_token"];
// Not /invitations/…: an invitation's page works signed out (it offers sign-up and sign-in).
const PROTECTED = /^\/(tasks|settings|teams)(\/|$)/;

/**
 * Runs for every page (see `config`): gives each response a fresh CSP nonce — Next.js applies the
 * nonce it finds in the request's CSP header to its own scripts, which is why pages render
 * dynamically — adds HSTS on https, and redirects signed-out visitors away from protected pages.
 */
export function proxy(request: NextRequest) {
  const e = env();
  const hsts = strictTransportSecurity(e.BETTER_AUTH_URL);
  const { pathname, search } = request.nextUrl;

  let response: NextResponse;
  const csp = contentSecurityPolicy({
    nonce: newNonce(),
    apiUrl: e.NEXT_PUBLIC_API_URL,
    development: e.NODE_ENV === "development",
  });
  const resetToken = pathname === "/reset-password" ? request.nextUrl.searchParams.get("token") : null;
  if (resetToken !== null) {
    // The reset link's token leaves the URL before the page loads anything: kept in an HttpOnly
    // cookie for this one path, it can reach no Referer, history entry or script.
    const url = request.nextUrl.clone();
    url.search = "";
    response = NextResponse.redirect(url, 303);
    response.cookies.set(RESET_TOKEN_COOKIE, resetToken.slice(0, 256), {
      httpOnly: true,
      sameSite: "lax",
      secure: new URL(e.BETTER_AUTH_URL).protocol === "https:",
      path: "/reset-password",
      maxAge: RESET_TOKEN_MAX_AGE,
    });
  } else if (PROTECTED.test(pathname) && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    response = NextResponse.redirect(url);
  } else {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    headers.set(REQUEST_PATH_HEADER, pathname);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", csp);
  if (hsts !== undefined) response.headers.set("strict-transport-security", hsts);
  return response;
}

// Every page, but not Better Auth's routes (JSON, same-origin fetches) nor Next's immutable
// static files and icons, which carry no script of their own.
export const config = {
  matcher: ["/((?!api/|_next/static/|_next/image|favicon\\.ico|icon\\.svg).*)"],
};
