import { type NextRequest, NextResponse } from "next/server";

// A fast path only: a visitor without a session cookie is sent to sign-in before any rendering.
// The protected layout still checks the session itself (a cookie can be stale or forged).
const SESSION_COOKIES = ["better-auth.session_token", "__Secure-better-auth.session_token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?next=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/tasks/:path*", "/settings/:path*"] };
