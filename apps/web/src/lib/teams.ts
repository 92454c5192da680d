// Team shapes and wording shared by the server pages and the browser (no server-only imports).
import type { TeamRole } from "@tandem/contracts";

export interface TeamSummary {
  id: string;
  name: string;
}

export interface TeamMember {
  memberId: string;
  userId: string;
  name: string;
  email: string;
  role: TeamRole;
}

/** Where a team's list lives. */
export const teamTasksUrl = (teamId: string) => `/teams/${encodeURIComponent(teamId)}/tasks`;
export const teamSettingsUrl = (teamId: string) => `/teams/${encodeURIComponent(teamId)}/settings`;

/** Where a former member is sent: their own list, which says why. */
export const REMOVED_URL = "/tasks?notice=removed";
export const REMOVED_NOTICE = "You are no longer a member of that team.";

/** "a viewer", "an admin": for sentences. */
export const withArticle = (role: string) => (/^[aeiou]/i.test(role) ? `an ${role}` : `a ${role}`);

/** "viewer" → "Viewer", for the role choices. */
export const roleLabel = (role: string) => role.charAt(0).toUpperCase() + role.slice(1);
