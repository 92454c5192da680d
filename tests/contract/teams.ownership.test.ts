import { uuidv7 } from "@tandem/db";
import type { TestUser } from "@tandem/testing";
import { testDialects } from "@tandem/testing";
import { describe, expect, it } from "vitest";
import { asUser, codeOf, createTeam, crew, invite, join, rolesOf, useAuthServer } from "./support/teams.ts";

// One owner per team at every instant (decision 016, 2): nobody is invited as or made owner,
// ownership moves only by the transfer endpoint (a swap), the owner cannot leave, and an account
// that owns a shared team cannot be deleted. These are Better Auth's rules, with Tandem's hooks,
// so they run once per database dialect; what the task API makes of them is teams.tasks.test.ts.

describe.each(testDialects())("team ownership (%s)", (dialect) => {
  const { auth, database } = useAuthServer(dialect);
  const db = () => database().db;
  const as = (user: TestUser, path: string, body: object) => asUser(auth(), user, path, body);
  const owners = async (teamId: string) =>
    Object.entries(await rolesOf(db(), teamId))
      .filter(([, role]) => role === "owner")
      .map(([userId]) => userId);
  const invitations = async (teamId: string) =>
    (await db().selectFrom("invitation").select("role").where("organizationId", "=", teamId).execute())
      .length;

  /** A team task row inserted directly (no task API in this file). */
  async function teamTaskRow(teamId: string, createdBy: string): Promise<string> {
    const id = uuidv7();
    const now = new Date().toISOString();
    await db()
      .insertInto("task")
      .values({
        id,
        team_id: teamId,
        user_id: null,
        created_by: createdBy,
        title: "row",
        completed: 0,
        priority: "medium",
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }
  const taskIds = async (teamId: string) =>
    (await db().selectFrom("task").select("id").where("team_id", "=", teamId).execute()).map((r) => r.id);

  it("makes the creator the one owner", async () => {
    const owner = await auth().signUp();
    const teamId = await createTeam(auth(), owner);
    expect(await rolesOf(db(), teamId)).toEqual({ [owner.id]: "owner" });
  });

  it("never invites anyone as owner (ROLE_NOT_ASSIGNABLE), nor as an unknown role", async () => {
    const c = await crew(auth(), db());
    const before = await invitations(c.teamId);
    const byOwner = await invite(auth(), c.owner, c.teamId, "new-owner@example.test", "owner");
    expect([byOwner.status, codeOf(byOwner)]).toEqual([400, "ROLE_NOT_ASSIGNABLE"]);
    for (const role of ["owner", "owner,admin", "superuser"]) {
      const byAdmin = await invite(auth(), c.admin, c.teamId, "x@example.test", role);
      expect(byAdmin.status, `admin invites as ${role}`).toBeGreaterThanOrEqual(400);
      expect(byAdmin.status, `admin invites as ${role}`).toBeLessThan(500);
    }
    for (const role of ["admin,owner", ["admin", "owner"], "member, owner"]) {
      const list = await as(c.owner, "/organization/invite-member", {
        organizationId: c.teamId,
        email: "y@example.test",
        role,
      });
      expect([list.status, codeOf(list)], JSON.stringify(role)).toEqual([400, "ROLE_NOT_ASSIGNABLE"]);
    }
    expect(await invitations(c.teamId)).toBe(before);
  });

  it("never makes anyone owner by a role change (ROLE_NOT_ASSIGNABLE) and never changes the owner's role", async () => {
    const c = await crew(auth(), db());
    const before = await rolesOf(db(), c.teamId);
    const promote = await as(c.owner, "/organization/update-member-role", {
      organizationId: c.teamId,
      memberId: c.memberIds.admin,
      role: "owner",
    });
    expect([promote.status, codeOf(promote)]).toEqual([400, "ROLE_NOT_ASSIGNABLE"]);
    // The admin cannot change, demote or remove the owner, nor make themself owner.
    for (const [path, body] of [
      ["/organization/update-member-role", { memberId: c.memberIds.owner, role: "member" }],
      ["/organization/update-member-role", { memberId: c.memberIds.admin, role: "owner" }],
      ["/organization/remove-member", { memberIdOrEmail: c.memberIds.owner }],
      ["/organization/remove-member", { memberIdOrEmail: c.owner.email }],
    ] as const) {
      const answer = await as(c.admin, path, { organizationId: c.teamId, ...body });
      expect(answer.status, `admin ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    // Not even the owner changes their own role directly.
    const self = await as(c.owner, "/organization/update-member-role", {
      organizationId: c.teamId,
      memberId: c.memberIds.owner,
      role: "admin",
    });
    expect(self.status).toBe(400);
    expect(await rolesOf(db(), c.teamId)).toEqual(before);
    expect(await owners(c.teamId)).toEqual([c.owner.id]);
  });

  it("transfers ownership by the owner only, swapping the two roles: exactly one owner after", async () => {
    const c = await crew(auth(), db());
    const other = await auth().signUp();
    const otherTeam = await createTeam(auth(), other, "Other");
    const strangerMember = (
      await db()
        .selectFrom("member")
        .select("id")
        .where("organizationId", "=", otherTeam)
        .executeTakeFirstOrThrow()
    ).id;
    for (const user of [c.admin, c.member, c.viewer, c.outsider]) {
      const answer = await as(user, "/team/transfer-ownership", {
        organizationId: c.teamId,
        memberId: c.memberIds.admin,
      });
      expect([answer.status, codeOf(answer)], user.name).toEqual([403, "OWNER_ONLY"]);
    }
    for (const memberId of [c.memberIds.owner, strangerMember, "NoSuchMember"]) {
      const answer = await as(c.owner, "/team/transfer-ownership", { organizationId: c.teamId, memberId });
      expect([answer.status, codeOf(answer)], memberId).toEqual([400, "MEMBER_NOT_FOUND"]);
    }
    expect(await owners(c.teamId)).toEqual([c.owner.id]);
    const done = await as(c.owner, "/team/transfer-ownership", {
      organizationId: c.teamId,
      memberId: c.memberIds.member,
    });
    expect(done.status).toBe(200);
    expect(await rolesOf(db(), c.teamId)).toEqual({
      [c.owner.id]: "admin",
      [c.admin.id]: "admin",
      [c.member.id]: "owner",
      [c.viewer.id]: "viewer",
    });
    expect(await owners(otherTeam)).toEqual([other.id]);
    // The former owner can no longer transfer; the new one can leave only after handing it on.
    const again = await as(c.owner, "/team/transfer-ownership", {
      organizationId: c.teamId,
      memberId: c.memberIds.owner,
    });
    expect([again.status, codeOf(again)]).toEqual([403, "OWNER_ONLY"]);
    expect((await as(c.owner, "/organization/leave", { organizationId: c.teamId })).status).toBe(200);
    expect(await owners(c.teamId)).toEqual([c.member.id]);
  });

  it("keeps the owner from leaving", async () => {
    const c = await crew(auth(), db());
    const answer = await as(c.owner, "/organization/leave", { organizationId: c.teamId });
    expect([answer.status, codeOf(answer)]).toEqual([
      400,
      "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
    ]);
    expect(await owners(c.teamId)).toEqual([c.owner.id]);
  });

  it("deletes the team's tasks with the team, by the owner only", async () => {
    const c = await crew(auth(), db());
    const tasks = [await teamTaskRow(c.teamId, c.member.id), await teamTaskRow(c.teamId, c.owner.id)];
    expect((await taskIds(c.teamId)).sort()).toEqual(tasks.sort());
    for (const user of [c.admin, c.member, c.viewer, c.outsider]) {
      const refused = await as(user, "/organization/delete", { organizationId: c.teamId });
      expect(refused.status, user.name).toBeGreaterThanOrEqual(400);
    }
    expect(await taskIds(c.teamId)).toHaveLength(2);
    expect((await as(c.owner, "/organization/delete", { organizationId: c.teamId })).status).toBe(200);
    expect(await taskIds(c.teamId)).toEqual([]);
    expect(await db().selectFrom("task").select("id").where("id", "in", tasks).execute()).toEqual([]);
    expect(await rolesOf(db(), c.teamId)).toEqual({});
  });

  it("refuses to delete an account owning a shared team (TEAM_OWNERSHIP_HELD); deletes a solo team with it", async () => {
    const c = await crew(auth(), db());
    const solo = await createTeam(auth(), c.owner, "Solo");
    const soloTask = await teamTaskRow(solo, c.owner.id);
    const sharedTask = await teamTaskRow(c.teamId, c.owner.id);
    const refused = await as(c.owner, "/delete-user", { password: c.owner.password });
    expect([refused.status, codeOf(refused)]).toEqual([400, "TEAM_OWNERSHIP_HELD"]);
    expect(await db().selectFrom("user").select("id").where("id", "=", c.owner.id).execute()).toHaveLength(1);
    expect(await taskIds(solo)).toEqual([soloTask]);
    // Once the shared team is handed over, the account goes, with its solo team and that team's tasks.
    const handed = await as(c.owner, "/team/transfer-ownership", {
      organizationId: c.teamId,
      memberId: c.memberIds.admin,
    });
    expect(handed.status).toBe(200);
    expect((await as(c.owner, "/delete-user", { password: c.owner.password })).status).toBe(200);
    expect(await db().selectFrom("organization").select("id").where("id", "=", solo).execute()).toEqual([]);
    expect(await taskIds(solo)).toEqual([]);
    // The shared team keeps its task; the deleted author becomes null (ON DELETE SET NULL).
    const kept = await db()
      .selectFrom("task")
      .select(["id", "created_by"])
      .where("team_id", "=", c.teamId)
      .execute();
    expect(kept).toEqual([{ id: sharedTask, created_by: null }]);
    expect(await owners(c.teamId)).toEqual([c.admin.id]);
  });

  it("lets a member join, leave and rejoin, but the owner stays the one owner throughout", async () => {
    const owner = await auth().signUp();
    const user = await auth().signUp();
    const teamId = await createTeam(auth(), owner);
    await join(auth(), teamId, owner, user, "admin");
    expect((await as(user, "/organization/leave", { organizationId: teamId })).status).toBe(200);
    await join(auth(), teamId, owner, user, "viewer");
    expect(await rolesOf(db(), teamId)).toEqual({ [owner.id]: "owner", [user.id]: "viewer" });
  });
});
