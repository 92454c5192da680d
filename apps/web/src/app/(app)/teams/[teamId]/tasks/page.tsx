import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { InitialTasks } from "@/lib/initial-tasks";
import { env } from "@/env";
import { loadInitialTasks } from "@/lib/api.server";
import { requireSession } from "@/lib/session.server";
import { teamList } from "@/lib/team-task-parse";
import { REMOVED_URL, teamTasksUrl } from "@/lib/teams";
import { loadTeam } from "@/lib/teams.server";
import { listParams, viewFromParams, viewToSearch } from "@/app/(app)/tasks/_components/task-helpers";
import { TeamTasksApp } from "./_components/team-tasks-app";

// Per-user data on every request: never prerendered, never cached.
export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ teamId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { teamId } = await params;
  const session = await requireSession(teamTasksUrl(teamId));
  const team = await loadTeam(teamId, session.user.id);
  return { title: team ? `${team.name} tasks` : "Team tasks" };
}

/** A team's task list: the personal list's screen, pointed at the team's API routes. */
export default async function TeamTasksPage({ params, searchParams }: Props) {
  const { teamId } = await params;
  const view = viewFromParams(await searchParams);
  const { user } = await requireSession(`${teamTasksUrl(teamId)}${viewToSearch(view)}`);
  const team = await loadTeam(teamId, user.id);
  if (team === null) redirect(REMOVED_URL);
  // Server-to-server with a token minted for this request, so the list is in the first HTML.
  let initial: InitialTasks = await loadInitialTasks(listParams(view), teamList(team.id));
  if ("error" in initial && initial.error.kind === "team-not-found") {
    // The database (just read) says member; the API may remember for a few seconds
    // (AUTH_REVOCATION_CHECK_SECONDS) that this user was not one. The page's refresh catches up.
    initial = {
      error: {
        kind: "failed",
        message: "You joined this team a moment ago: its tasks appear in a few seconds.",
      },
    };
  }
  return (
    <main className="container">
      <TeamTasksApp
        apiUrl={env().NEXT_PUBLIC_API_URL}
        initial={initial}
        initialView={view}
        team={{
          id: team.id,
          name: team.name,
          role: team.role,
          members: team.members.map(({ userId, name }) => ({ userId, name })),
        }}
        userId={user.id}
      />
    </main>
  );
}
