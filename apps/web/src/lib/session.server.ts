import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getAuth } from "./auth.server";

export type ServerSession = NonNullable<Awaited<ReturnType<ReturnType<typeof getAuth>["api"]["getSession"]>>>;

/**
 * The signed-in user's session, or null. Always checked against the database, not a cookie shape.
 * Looked up once per render: a page and its layout both check the session, and render side by side.
 */
export const getSession = cache(async (): Promise<ServerSession | null> => {
  return getAuth().api.getSession({ headers: await headers() });
});

/** The session, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireSession(returnTo: string): Promise<ServerSession> {
  const session = await getSession();
  if (!session) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** A short-lived API token for the signed-in user, for server-to-server calls. */
export async function getApiToken(): Promise<string | null> {
  try {
    const result = await getAuth().api.getToken({ headers: await headers() });
    return result.token;
  } catch {
    return null;
  }
}
