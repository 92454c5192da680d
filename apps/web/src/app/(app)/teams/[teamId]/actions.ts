"use server";

import type { TeamRole } from "@tandem/contracts";
import { getSession } from "@/lib/session.server";
import { loadTeam } from "@/lib/teams.server";

export type TeamSnapshot =
  | { kind: "member"; role: TeamRole; members: { userId: string; name: string }[] }
  | { kind: "removed" }
  | { kind: "signed-out" };

/**
 * The caller's role in a team and its members' names, as the team's task page needs them after
 * the page was rendered (a teammate joined, the caller's role changed or they were removed).
 */
export async function teamSnapshot(teamId: unknown): Promise<TeamSnapshot> {
  const session = await getSession();
  if (!session) return { kind: "signed-out" };
  const team = typeof teamId === "string" ? await loadTeam(teamId, session.user.id) : null;
  if (team === null) return { kind: "removed" };
  return {
    kind: "member",
    role: team.role,
    members: team.members.map(({ userId, name }) => ({ userId, name })),
  };
}
