import type { Metadata } from "next";
import { env } from "@/env";
import { loadInitialTasks } from "@/lib/api.server";
import { requireSession } from "@/lib/session.server";
import { REMOVED_NOTICE } from "@/lib/teams";
import { TasksApp } from "./_components/tasks-app";
import { listParams, viewFromParams, viewToSearch } from "./_components/task-helpers";

// Per-user data on every request: never prerendered, never cached.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Tasks" };

export default async function TasksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const view = viewFromParams(params);
  // Server-to-server with a token minted for this request, so the list is in the first HTML. Started
  // before the session check rather than after it: without a session no token is minted, so nothing
  // is fetched, and the list is only rendered once the check below has passed.
  const loading = loadInitialTasks(listParams(view));
  // The layout checks the session too, but a page must not rely on its layout for protection.
  await requireSession(`/tasks${viewToSearch(view)}`);
  const initial = await loading;
  return (
    <main className="container">
      {/* Where a team's page sends someone who was removed from the team (lib/teams.ts REMOVED_URL). */}
      {params.notice === "removed" ? (
        <p className="alert alert-warning" role="status">
          {REMOVED_NOTICE}
        </p>
      ) : null}
      <TasksApp apiUrl={env().NEXT_PUBLIC_API_URL} initial={initial} initialView={view} />
    </main>
  );
}
