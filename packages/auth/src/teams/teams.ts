import {
  ASSIGNABLE_TEAM_ROLES,
  type AssignableTeamRole,
  parseTeamRole,
  teamNameProblem,
} from "@tandem/contracts";
import { teamInvitation } from "@tandem/mail";
import { APIError } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { AccountEmailContext } from "../email/account-email.ts";
import { mailKit } from "../email/account-email.ts";
import { TEAM_ERROR_CODES } from "../error-codes.ts";
import type { TeamEvents } from "./team-events.ts";
import { teamAccessControl, teamRoles } from "./roles.ts";

export const INVITATION_DAYS = 7;
/** The most members a team may have (Better Auth's default is 100). */
export const TEAM_MEMBER_LIMIT = 100;

function assignable(role: string): role is AssignableTeamRole {
  return (ASSIGNABLE_TEAM_ROLES as readonly string[]).includes(role);
}

/**
 * Exactly one owner per team: nobody is invited as, or made, owner (ownership moves only by the
 * transfer endpoint, which swaps two roles in one transaction), and a member holds one role.
 */
function requireAssignable(role: string): void {
  if (!assignable(role)) {
    throw new APIError("BAD_REQUEST", {
      code: TEAM_ERROR_CODES.ROLE_NOT_ASSIGNABLE,
      message: "The role must be viewer, member or admin. Ownership moves only by a transfer.",
    });
  }
}

/** A team's name, trimmed: one line of 1–60 characters (it appears in mail subjects and headers). */
function checkedName(name: unknown): string {
  const problem = typeof name === "string" ? teamNameProblem(name) : "Team name must be text";
  if (problem !== null || typeof name !== "string") {
    throw new APIError("BAD_REQUEST", { code: TEAM_ERROR_CODES.INVALID_TEAM_NAME, message: problem ?? "" });
  }
  return name.trim();
}

/**
 * Better Auth's organization plugin as Tandem's teams: four roles, 7-day single-use invitations
 * mailed through the account-email channel (when email is on), and each change recorded in the
 * history of the accounts it touches.
 */
export function tandemOrganization(options: { email: AccountEmailContext | null; events: TeamEvents }) {
  const { events } = options;
  const kit = options.email === null ? null : mailKit(options.email);
  return organization({
    ac: teamAccessControl,
    roles: teamRoles,
    creatorRole: "owner",
    membershipLimit: TEAM_MEMBER_LIMIT,
    invitationExpiresIn: INVITATION_DAYS * 24 * 3600,
    // A second invitation to the same address replaces the first, so one link is live per person.
    cancelPendingInvitationsOnReInvite: true,
    ...(kit === null
      ? {}
      : {
          sendInvitationEmail: async ({ id, role, email, organization: team, inviter }) => {
            kit.send(
              inviter.user.id,
              email,
              teamInvitation({
                inviterName: inviter.user.name,
                teamName: team.name,
                role,
                url: kit.links.invitation(id),
                expiresInDays: INVITATION_DAYS,
              }),
            );
          },
        }),
    organizationHooks: {
      beforeCreateOrganization: async ({ organization: team }) => ({
        data: { ...team, name: checkedName(team.name) },
      }),
      beforeUpdateOrganization: async ({ organization: team }) =>
        team.name === undefined ? undefined : { data: { ...team, name: checkedName(team.name) } },
      beforeCreateInvitation: async ({ invitation }) => requireAssignable(invitation.role),
      beforeUpdateMemberRole: async ({ newRole, member }) => {
        requireAssignable(newRole);
        if (parseTeamRole(member.role) === "owner") {
          throw new APIError("BAD_REQUEST", {
            code: TEAM_ERROR_CODES.OWNER_ROLE_FIXED,
            message: "The owner's role changes only by transferring ownership to another member.",
          });
        }
      },
      afterCreateOrganization: async ({ organization: team, user }) =>
        events.record(user.id, "team_created", team.name),
      afterCreateInvitation: async ({ invitation, inviter, organization: team }) =>
        events.record(
          inviter.id,
          "team_invitation_sent",
          `${team.name}: ${invitation.email} as ${invitation.role}`,
        ),
      afterAcceptInvitation: async ({ user, organization: team, member }) => {
        await events.record(user.id, "team_invitation_accepted", team.name);
        await events.record(user.id, "team_joined", `${team.name} as ${member.role}`);
      },
      afterRejectInvitation: async ({ user, organization: team }) =>
        events.record(user.id, "team_invitation_declined", team.name),
      afterRemoveMember: async ({ member, organization: team }) => {
        await events.unassign(team.id, member.userId);
        await events.record(member.userId, "team_member_removed", team.name);
      },
      afterUpdateMemberRole: async ({ member, previousRole, organization: team }) =>
        events.record(member.userId, "team_role_changed", `${team.name}: ${previousRole} → ${member.role}`),
      afterDeleteOrganization: async ({ organization: team, user }) =>
        events.record(user.id, "team_deleted", team.name),
    },
  });
}
