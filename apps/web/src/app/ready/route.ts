import { getDatabase } from "@/lib/auth.server";

// The load balancer's health check (issue #17): asked every few hundred milliseconds, so never
// cached. While the server shuts down, apps/web/server.ts answers 503 before this runs.
export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

/** 200 when the database answers, else 503: an instance that cannot sign anyone in is not ready. */
export async function GET(): Promise<Response> {
  try {
    await getDatabase()
      .db.selectNoFrom((eb) => eb.lit(1).as("one"))
      .execute();
  } catch (error) {
    // The reason goes to the log only: the check is public.
    console.error(`Tandem web: not ready: ${error instanceof Error ? error.message : String(error)}`);
    return Response.json({ status: "unavailable" }, { status: 503, headers: NO_STORE });
  }
  return Response.json({ status: "ready" }, { headers: NO_STORE });
}
