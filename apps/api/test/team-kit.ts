// Teams for the API's team-task tests. A team is created through Better Auth (real ids, the owner's
// member row as Better Auth writes it); other memberships, role changes and removals are written to
// the `member` table directly, as Better Auth's own endpoints would leave it, so a test can set any
// role (including one Tandem does not know) and change it between two requests. Better Auth's team
// rules themselves are tested in packages/auth.
import type { TeamRole } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { post } from "@tandem/testing/auth-requests";
import { expect } from "vitest";
import type { ApiHarness } from "./api-harness.ts";

/** A new team owned by `owner`, through Better Auth; returns its id. */
export async function createTeam(h: ApiHarness, owner: TestUser, name = "Launch"): Promise<string> {
  const answer = await post(
    h.auth,
    "/organization/create",
    { name, slug: `t-${crypto.randomUUID()}` },
    { cookie: owner.cookie },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { id: string }).id;
}

/** Makes `user` a member of the team with `role` (any stored text: Tandem parses it). */
export async function addMember(
  h: ApiHarness,
  teamId: string,
  user: TestUser,
  role: TeamRole | string,
): Promise<void> {
  await h.database.db
    .insertInto("member")
    .values({
      id: crypto.randomUUID().replaceAll("-", ""),
      organizationId: teamId,
      userId: user.id,
      role,
      createdAt: new Date().toISOString(),
    })
    .execute();
}

export async function setRole(h: ApiHarness, teamId: string, user: TestUser, role: string): Promise<void> {
  await h.database.db
    .updateTable("member")
    .set({ role })
    .where("organizationId", "=", teamId)
    .where("userId", "=", user.id)
    .execute();
}

export async function removeMember(h: ApiHarness, teamId: string, user: TestUser): Promise<void> {
  await h.database.db
    .deleteFrom("member")
    .where("organizationId", "=", teamId)
    .where("userId", "=", user.id)
    .execute();
}

/** The path of a team's tasks, or of one of them; `teamId` goes in as given (tests send odd ones). */
export function teamTasksPath(teamId: string, rest = ""): string {
  return `/api/teams/${teamId}/tasks${rest}`;
}
