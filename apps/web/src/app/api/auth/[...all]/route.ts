import { getAuth } from "@/lib/auth.server";

// Better Auth's HTTP handler (sign-up, sign-in, sessions, /token, /jwks…).
export const dynamic = "force-dynamic";

/**
 * Endpoints browsers may not call directly. `/change-email` has no password check of its own:
 * the settings page's server action verifies the current password, then calls it server-side.
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

export function GET(request: Request): Promise<Response> {
  return getAuth().handler(request);
}

export async function POST(request: Request): Promise<Response> {
  if (serverOnly(request)) return new Response("Not Found", { status: 404 });
  return getAuth().handler(request);
}
