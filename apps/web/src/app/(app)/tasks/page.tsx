import type { Metadata } from "next";
import { env } from "@/env";
import { loadInitialTasks } from "@/lib/api.server";
import { requireSession } from "@/lib/session.server";
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
  const view = viewFromParams(await searchParams);
  // The layout checks the session too, but a page must not rely on its layout for protection.
  await requireSession(`/tasks${viewToSearch(view)}`);
  // Server-to-server with a token minted for this request, so the list is in the first HTML.
  const initial = await loadInitialTasks(listParams(view));
  return (
    <main className="container">
      <TasksApp apiUrl={env().NEXT_PUBLIC_API_URL} initial={initial} initialView={view} />
    </main>
  );
}
