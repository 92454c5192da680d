import { getAuth } from "@/lib/auth.server";

// Better Auth's HTTP handler (sign-up, sign-in, sessions, /token, /jwks…).
export const dynamic = "force-dynamic";

/**
 * Endpoints browsers may not call directly. `/change-email` has no password check of its own:
 * the settings page's server action verifies the current password, then calls it server-side.
 * Everything else stays reachable, the teams' `/organization/*` and `/team/transfer-ownership`
 * included: each checks the caller's role itself, and Better Auth refuses any cookie-carrying POST
 * whose Origin is not the app's own (its CSRF check), whatever the path.
 */
const SERVER_ONLY_PATHS = new Set(["/api/auth/change-email"]);

function serverOnly(request: Request): boolean {
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return true;
  }
  return SERVER_ONLY_PATHS.has(path.replace(/\/+$/, "").toLowerCase());
}

/**
 * Auth responses carry sessions, access tokens and user data; Better Auth marks only some of them
 * (`/get-session`) uncacheable, not `/token`. None may be kept by a browser or shared cache.
 */
function noStore(response: Response): Response {
  if (response.headers.has("cache-control")) return response;
  try {
    response.headers.set("cache-control", "no-store");
    return response;
  } catch {
    // Immutable headers (e.g. a Response.redirect): copy them.
    const headers = new Headers(response.headers);
    headers.set("cache-control", "no-store");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

export async function GET(request: Request): Promise<Response> {
  return noStore(await getAuth().handler(request));
}

export async function POST(request: Request): Promise<Response> {
  if (serverOnly(request)) return noStore(new Response("Not Found", { status: 404 }));
  return noStore(await getAuth().handler(request));
}
