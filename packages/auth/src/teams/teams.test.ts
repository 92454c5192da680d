// Tandem's rules on top of Better Auth's organization plugin (decision 016), against a real Better
// Auth server and real databases: the invitation mail and its link, one owner at every moment,
// ownership transfer, the account-deletion rule, and the history entries. The HTTP contract of the
// task routes is the contract suite's; invitation attacks are the security suite's.
import {
  type AuthServer,
  createTestDatabase,
  recordingMailer,
  startAuthServer,
  type TestDatabase,
  type TestUser,
  testDialects,
} from "@tandem/testing";
import { type AuthAnswer, post } from "@tandem/testing/auth-requests";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listSecurityEvents } from "../security/events.ts";

describe.each(testDialects())("teams (%s)", (dialect) => {
  let database: TestDatabase;
  let auth: AuthServer;
  let outbox: ReturnType<typeof recordingMailer>;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    outbox = recordingMailer();
    auth = await startAuthServer({
      database,
      email: { mailer: outbox.mailer, log: { error: () => undefined } },
    });
  });
  afterEach(async () => {
    await auth.close();
    await database.cleanup();
  });

  const as = (user: TestUser, path: string, body: object): Promise<AuthAnswer> =>
    post(auth, path, body, { cookie: user.cookie });
  const code = (answer: AuthAnswer) => (answer.body as { code?: string } | null)?.code;

  async function createTeam(owner: TestUser, name = "Launch"): Promise<string> {
    const answer = await as(owner, "/organization/create", { name, slug: `t-${crypto.randomUUID()}` });
    expect(answer.status).toBe(200);
    return (answer.body as { id: string }).id;
  }

  /** Invites `user` with `role` and has them accept; returns their member id. */
  async function join(teamId: string, inviter: TestUser, user: TestUser, role: string): Promise<string> {
    const invited = await as(inviter, "/organization/invite-member", {
      organizationId: teamId,
      email: user.email,
      role,
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(200);
    const accepted = await as(user, "/organization/accept-invitation", {
      invitationId: (invited.body as { id: string }).id,
    });
    expect(accepted.status).toBe(200);
    return (accepted.body as { member: { id: string } }).member.id;
  }

  const roles = async (teamId: string) =>
    Object.fromEntries(
      (
        await database.db
          .selectFrom("member")
          .select(["userId", "role"])
          .where("organizationId", "=", teamId)
          .execute()
      ).map((m) => [m.userId, m.role]),
    );

  it("mails the invitation with a link to the app's invitation page, valid for 7 days", async () => {
    const owner = await auth.signUp({ name: "Ada" });
    const teamId = await createTeam(owner);
    const invited = await as(owner, "/organization/invite-member", {
      organizationId: teamId,
      email: "grace@example.test",
      role: "member",
    });
    const { id, expiresAt } = invited.body as { id: string; expiresAt: string };
    const days = (new Date(expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    await expect.poll(() => outbox.sent.length).toBe(2); // the owner's verification mail, then this
    const mail = outbox.sent.find((m) => m.to === "grace@example.test");
    expect(mail?.subject).toBe("Ada invited you to Launch on Tandem");
    expect(mail?.text).toContain(`${auth.baseURL}/invitations/${id}`);
  });

  it("never makes a second owner: not by invitation, not by a role change", async () => {
    const owner = await auth.signUp();
    const admin = await auth.signUp();
    const teamId = await createTeam(owner);
    const adminMember = await join(teamId, owner, admin, "admin");
    const asOwner = await as(owner, "/organization/invite-member", {
      organizationId: teamId,
      email: "x@example.test",
      role: "owner",
    });
    expect([asOwner.status, code(asOwner)]).toEqual([400, "ROLE_NOT_ASSIGNABLE"]);
    const promote = await as(owner, "/organization/update-member-role", {
      organizationId: teamId,
      memberId: adminMember,
      role: "owner",
    });
    expect([promote.status, code(promote)]).toEqual([400, "ROLE_NOT_ASSIGNABLE"]);
    const ownerMember = (
      await database.db
        .selectFrom("member")
        .select("id")
        .where("userId", "=", owner.id)
        .executeTakeFirstOrThrow()
    ).id;
    const demote = await as(admin, "/organization/update-member-role", {
      organizationId: teamId,
      memberId: ownerMember,
      role: "member",
    });
    expect(demote.status).toBeGreaterThanOrEqual(400);
    expect(await roles(teamId)).toEqual({ [owner.id]: "owner", [admin.id]: "admin" });
  });

  it("keeps team names to one trimmed line of 1–60 characters, on creation and rename", async () => {
    const owner = await auth.signUp();
    for (const name of ["   ", "x".repeat(61), "Bad\r\nBcc: x@example.test"]) {
      const answer = await as(owner, "/organization/create", { name, slug: `t-${crypto.randomUUID()}` });
      expect([answer.status, code(answer)], JSON.stringify(name)).toEqual([400, "INVALID_TEAM_NAME"]);
    }
    const teamId = await createTeam(owner, "  Padded  ");
    const renamed = await as(owner, "/organization/update", {
      organizationId: teamId,
      data: { name: "\u0007" },
    });
    expect(code(renamed)).toBe("INVALID_TEAM_NAME");
    const team = await database.db
      .selectFrom("organization")
      .select("name")
      .where("id", "=", teamId)
      .execute();
    expect(team).toEqual([{ name: "Padded" }]);
  });

  it("transfers ownership by swapping two roles, by the owner only", async () => {
    const owner = await auth.signUp();
    const admin = await auth.signUp();
    const teamId = await createTeam(owner, "Relay");
    const adminMember = await join(teamId, owner, admin, "admin");
    const ownerMember = (
      await database.db
        .selectFrom("member")
        .select("id")
        .where("userId", "=", owner.id)
        .executeTakeFirstOrThrow()
    ).id;
    const byAdmin = await as(admin, "/team/transfer-ownership", {
      organizationId: teamId,
      memberId: adminMember,
    });
    expect([byAdmin.status, code(byAdmin)]).toEqual([403, "OWNER_ONLY"]);
    const toSelf = await as(owner, "/team/transfer-ownership", {
      organizationId: teamId,
      memberId: ownerMember,
    });
    expect([toSelf.status, code(toSelf)]).toEqual([400, "MEMBER_NOT_FOUND"]);
    const done = await as(owner, "/team/transfer-ownership", {
      organizationId: teamId,
      memberId: adminMember,
    });
    expect(done.status).toBe(200);
    expect(await roles(teamId)).toEqual({ [owner.id]: "admin", [admin.id]: "owner" });
    const history = await listSecurityEvents(database.db, admin.id);
    expect(history.find((e) => e.type === "team_ownership_transferred")?.detail).toBe(
      "Relay: you are now owner",
    );
  });

  it("refuses to delete an account that owns a shared team, and deletes a team owned alone", async () => {
    const owner = await auth.signUp();
    const member = await auth.signUp();
    const shared = await createTeam(owner, "Shared");
    const solo = await createTeam(owner, "Solo");
    await join(shared, owner, member, "member");
    const refused = await as(owner, "/delete-user", { password: owner.password });
    expect([refused.status, code(refused)]).toEqual([400, "TEAM_OWNERSHIP_HELD"]);
    expect((refused.body as { message: string }).message).toContain('"Shared"');
    await as(member, "/organization/leave", { organizationId: shared });
    const deleted = await as(owner, "/delete-user", { password: owner.password });
    expect(deleted.status).toBe(200);
    const left = await database.db
      .selectFrom("organization")
      .select("id")
      .where("id", "in", [shared, solo])
      .execute();
    expect(left).toEqual([]);
  });

  it("records joining, role changes, removal and leaving in the member's history, with the team's name", async () => {
    const owner = await auth.signUp();
    const member = await auth.signUp();
    const teamId = await createTeam(owner, "Atlas");
    const memberId = await join(teamId, owner, member, "viewer");
    await as(owner, "/organization/update-member-role", { organizationId: teamId, memberId, role: "member" });
    await as(owner, "/organization/remove-member", { organizationId: teamId, memberIdOrEmail: memberId });
    const events = (await listSecurityEvents(database.db, member.id))
      .filter((e) => e.type.startsWith("team_"))
      .map((e) => [e.type, e.detail]);
    // Events of one request may share a millisecond, so their order is not asserted.
    expect(events).toHaveLength(4);
    expect(events).toEqual(
      expect.arrayContaining([
        ["team_invitation_accepted", "Atlas"],
        ["team_joined", "Atlas as viewer"],
        ["team_role_changed", "Atlas: viewer → member"],
        ["team_member_removed", "Atlas"],
      ]),
    );
    const ownerEvents = (await listSecurityEvents(database.db, owner.id)).map((e) => e.type);
    expect(ownerEvents).toEqual(expect.arrayContaining(["team_created", "team_invitation_sent"]));
  });
});
