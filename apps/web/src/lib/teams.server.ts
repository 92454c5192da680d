import "server-only";
import {
  ASSIGNABLE_TEAM_ROLES,
  type AssignableTeamRole,
  parseTeamRole,
  TEAM_ID_PATTERN,
  TEAM_NAME_MAX,
  TEAM_ROLES,
  type TeamRole,
} from "@tandem/contracts";
import { cache } from "react";
import { getDatabase } from "./auth.server";
import type { TeamMember, TeamSummary } from "./teams";

// The web app's reads of the teams Better Auth keeps (decision 016), straight from the database:
// one query each, no "active organization" in the session, and every read scoped to the caller's
// own membership. Changes go through Better Auth (lib/team-client.ts), which enforces the roles.

export { ASSIGNABLE_TEAM_ROLES, type AssignableTeamRole, TEAM_NAME_MAX, type TeamRole };

/** The teams the user is a member of, by name. */
export async function listMyTeams(userId: string): Promise<TeamSummary[]> {
  const rows = await getDatabase()
    .db.selectFrom("member")
    .innerJoin("organization", "organization.id", "member.organizationId")
    .select(["organization.id as id", "organization.name as name"])
    .where("member.userId", "=", userId)
    .orderBy("organization.name")
    .orderBy("organization.id")
    .execute();
  return rows;
}

export interface TeamView {
  id: string;
  name: string;
  /** The caller's role. */
  role: TeamRole;
  /** The caller's own member id. */
  memberId: string;
  /** Owner first, then by role and name. */
  members: TeamMember[];
}

const rank = (role: TeamRole) => TEAM_ROLES.indexOf(role);

/**
 * The team as its member `userId` sees it, or null when there is no such team or the user is not
 * (or no longer) a member of it: the two are the same to the caller, as in the task API. Read
 * once per request (the page and its metadata share it).
 */
export const loadTeam = cache(async (teamId: string, userId: string): Promise<TeamView | null> => {
  if (!TEAM_ID_PATTERN.test(teamId)) return null;
  const rows = await getDatabase()
    .db.selectFrom("member")
    .innerJoin("organization", "organization.id", "member.organizationId")
    .innerJoin("user", "user.id", "member.userId")
    .select([
      "organization.name as teamName",
      "member.id as memberId",
      "member.userId as userId",
      "member.role as role",
      "user.name as name",
      "user.email as email",
    ])
    .where("member.organizationId", "=", teamId)
    .execute();
  const members: TeamMember[] = [];
  for (const row of rows) {
    // A role Tandem does not know grants nothing (parseTeamRole fails closed).
    const role = parseTeamRole(row.role);
    if (role !== null) members.push({ ...pick(row), role });
  }
  const me = members.find((m) => m.userId === userId);
  const first = rows[0];
  if (me === undefined || first === undefined) return null;
  members.sort((a, b) => rank(b.role) - rank(a.role) || a.name.localeCompare(b.name));
  return { id: teamId, name: first.teamName, role: me.role, memberId: me.memberId, members };
});

function pick(row: { memberId: string; userId: string; name: string; email: string }) {
  return { memberId: row.memberId, userId: row.userId, name: row.name, email: row.email };
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  expiresAt: Date;
}

/** A team's invitations that can still be accepted, newest first (for its admins and owner). */
export async function listPendingInvitations(teamId: string): Promise<PendingInvitation[]> {
  const rows = await getDatabase()
    .db.selectFrom("invitation")
    .select(["id", "email", "role", "expiresAt"])
    .where("organizationId", "=", teamId)
    .where("status", "=", "pending")
    .orderBy("createdAt", "desc")
    .execute();
  const now = Date.now();
  return rows
    .map((row) => ({ ...row, role: row.role ?? "member", expiresAt: new Date(row.expiresAt) }))
    .filter((row) => row.expiresAt.getTime() > now);
}

export interface InvitationView {
  id: string;
  teamId: string;
  teamName: string;
  /** Null when the inviter's account has been deleted since. */
  inviterName: string | null;
  email: string;
  role: string;
  /** Pending and not expired: it can still be accepted or declined. */
  usable: boolean;
}

/** Invitation ids are Better Auth ids (32 random characters); anything else names none. */
const INVITATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One invitation by its id (the id is the secret the link carries), or null. */
export async function loadInvitation(id: string): Promise<InvitationView | null> {
  if (!INVITATION_ID.test(id)) return null;
  const row = await getDatabase()
    .db.selectFrom("invitation")
    .innerJoin("organization", "organization.id", "invitation.organizationId")
    .leftJoin("user", "user.id", "invitation.inviterId")
    .select([
      "invitation.id as id",
      "invitation.organizationId as teamId",
      "organization.name as teamName",
      "user.name as inviterName",
      "invitation.email as email",
      "invitation.role as role",
      "invitation.status as status",
      "invitation.expiresAt as expiresAt",
    ])
    .where("invitation.id", "=", id)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    teamId: row.teamId,
    teamName: row.teamName,
    inviterName: row.inviterName,
    email: row.email,
    role: row.role ?? "member",
    usable: row.status === "pending" && new Date(row.expiresAt).getTime() > Date.now(),
  };
}

/** Whether the user is a member of the team. */
export async function isTeamMember(teamId: string, userId: string): Promise<boolean> {
  const row = await getDatabase()
    .db.selectFrom("member")
    .select("id")
    .where("organizationId", "=", teamId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The invitations waiting for an address (case-insensitive), with their team's name. */
export async function listInvitationsFor(email: string): Promise<{ id: string; teamName: string }[]> {
  const rows = await getDatabase()
    .db.selectFrom("invitation")
    .innerJoin("organization", "organization.id", "invitation.organizationId")
    .select(["invitation.id as id", "organization.name as teamName", "invitation.expiresAt as expiresAt"])
    .where("invitation.email", "=", email.toLowerCase())
    .where("invitation.status", "=", "pending")
    .execute();
  const now = Date.now();
  return rows
    .filter((row) => new Date(row.expiresAt).getTime() > now)
    .map(({ id, teamName }) => ({ id, teamName }));
}
