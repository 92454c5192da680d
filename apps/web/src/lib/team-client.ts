import type { TeamRole } from "@tandem/contracts";
import { createAuthClient } from "better-auth/react";
import { organizationClient } from "better-auth/client/plugins";
import type { Role } from "better-auth/plugins/access";

/**
 * Better Auth's client with its organization plugin: Tandem's teams (decision 016). Only the team
 * pages import it, so the task list and the sign-in pages do not carry it. Every call names the
 * team (`organizationId`): the session's "active organization" is never relied on.
 *
 * The roles are given as a type only: their permissions are the server's business
 * (packages/auth/src/teams/roles.ts), the browser only needs their names.
 */
export const teamClient = createAuthClient({
  plugins: [organizationClient<{ roles: Record<TeamRole, Role> }>()],
});

/** Tandem's own team endpoint (packages/auth teams.plugin.ts): the owner hands the team over. */
export function transferOwnership(organizationId: string, memberId: string) {
  return teamClient.$fetch<{ status: boolean }>("/team/transfer-ownership", {
    method: "POST",
    body: { organizationId, memberId },
  });
}
