import { getAuth } from "@/lib/auth.server";

// Better Auth's HTTP handler (sign-up, sign-in, sessions, /token, /jwks…).
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return getAuth().handler(request);
}

export function POST(request: Request): Promise<Response> {
  return getAuth().handler(request);
}
