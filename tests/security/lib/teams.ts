// Teams for the security suite (decision 016): created, joined and changed over HTTP through the web
// app's Better Auth routes (`/api/auth/organization/*`, `/api/auth/team/transfer-ownership`), as
// the team pages call them, each user from their own address.
import { expect } from "vitest";
import type { HttpResponse } from "./http.ts";
import type { Account, SecurityStack } from "./stack.ts";

/** A POST to Better Auth as `user`'s browser sends it. */
export function asUser(s: SecurityStack, user: Account, path: string, json: object): Promise<HttpResponse> {
  return s.web(`/api/auth${path}`, { cookie: user.cookie, ip: user.ip, json });
}

/** The `code` of a Better Auth error answer. */
export function codeOf(response: HttpResponse): unknown {
  try {
    return response.json().code;
  } catch {
    return undefined;
  }
}

export async function createTeam(s: SecurityStack, owner: Account, name: string): Promise<string> {
  const response = await asUser(s, owner, "/organization/create", { name, slug: `t-${crypto.randomUUID()}` });
  expect(response.status, response.text).toBe(200);
  return response.json<{ id: string }>().id;
}

export async function inviteId(
  s: SecurityStack,
  inviter: Account,
  teamId: string,
  email: string,
  role: string,
): Promise<string> {
  const response = await asUser(s, inviter, "/organization/invite-member", {
    organizationId: teamId,
    email,
    role,
  });
  expect(response.status, response.text).toBe(200);
  return response.json<{ id: string }>().id;
}

/** Invites `user` with `role` and has them accept; returns their member id. */
export async function join(
  s: SecurityStack,
  teamId: string,
  inviter: Account,
  user: Account,
  role: string,
): Promise<string> {
  const invitationId = await inviteId(s, inviter, teamId, user.email, role);
  const accepted = await asUser(s, user, "/organization/accept-invitation", { invitationId });
  expect(accepted.status, accepted.text).toBe(200);
  return accepted.json<{ member: { id: string } }>().member.id;
}

/** Every member's role in the team, by user id, as the database holds it. */
export async function rolesOf(s: SecurityStack, teamId: string): Promise<Record<string, string>> {
  const rows = await s.db.db
    .selectFrom("member")
    .select(["userId", "role"])
    .where("organizationId", "=", teamId)
    .execute();
  return Object.fromEntries(rows.map((m) => [m.userId, m.role]));
}

export async function memberIdOf(s: SecurityStack, teamId: string, userId: string): Promise<string> {
  const row = await s.db.db
    .selectFrom("member")
    .select("id")
    .where("organizationId", "=", teamId)
    .where("userId", "=", userId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A team's task rows, for "nothing changed" checks. */
export function teamRows(s: SecurityStack, teamId: string) {
  return s.db.db.selectFrom("task").selectAll().where("team_id", "=", teamId).orderBy("id").execute();
}

/** A 32-character id in Better Auth's alphabet (what its ids look like). */
export function randomId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => alphabet[b % alphabet.length]).join(
    "",
  );
}

/** Every team task route × method, for a team id and a task id as they appear in the path. */
export function teamRoutes(teamId: string, taskId: string): [string, string, unknown?][] {
  const base = `/api/teams/${teamId}/tasks`;
  return [
    ["GET", base],
    ["POST", base, { title: "planted" }],
    ["GET", `${base}/stats`],
    ["GET", `${base}/${taskId}`],
    ["PATCH", `${base}/${taskId}`, { title: "pwned" }],
    ["PUT", `${base}/${taskId}`, { title: "pwned", completed: true }],
    ["DELETE", `${base}/${taskId}`],
    ["PATCH", `${base}/${taskId}/complete`],
  ];
}
