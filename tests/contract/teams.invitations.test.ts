import type { TestUser } from "@tandem/testing";
import { testDialects } from "@tandem/testing";
import { describe, expect, it } from "vitest";
import {
  asUser,
  codeOf,
  createTeam,
  invitationFor,
  invite,
  memberIdOf,
  rolesOf,
  useAuthServer,
} from "./support/teams.ts";

// Invitations are Better Auth's (decision 016, 8): the id is the secret, valid 7 days, single use,
// revocable, accepted or declined only by the account whose email matches, and a second invitation
// to the same address cancels the first. Nothing here involves a task API, so it runs once per
// database dialect against a real Better Auth, not once per backend.

describe.each(testDialects())("team invitations (%s)", (dialect) => {
  const { auth, database } = useAuthServer(dialect);
  const accept = (user: TestUser, invitationId: string) =>
    asUser(auth(), user, "/organization/accept-invitation", { invitationId });
  const decline = (user: TestUser, invitationId: string) =>
    asUser(auth(), user, "/organization/reject-invitation", { invitationId });
  const statusOf = async (invitationId: string) =>
    (
      await database()
        .db.selectFrom("invitation")
        .select("status")
        .where("id", "=", invitationId)
        .executeTakeFirstOrThrow()
    ).status;

  async function invited(role = "member") {
    const owner = await auth().signUp({ name: "Owner" });
    const guest = await auth().signUp({ name: "Guest" });
    const teamId = await createTeam(auth(), owner, "Invites");
    const invitationId = await invitationFor(auth(), owner, teamId, guest.email, role);
    return { owner, guest, teamId, invitationId };
  }

  it("makes the id a 32-character random secret that expires in 7 days", async () => {
    const { invitationId } = await invited();
    expect(invitationId).toMatch(/^[A-Za-z0-9]{32}$/);
    const row = await database()
      .db.selectFrom("invitation")
      .select("expiresAt")
      .where("id", "=", invitationId)
      .executeTakeFirstOrThrow();
    const days = (new Date(row.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
  });

  it("is single use: a second accept fails, also after the member has left", async () => {
    const { guest, teamId, invitationId } = await invited();
    expect((await accept(guest, invitationId)).status).toBe(200);
    const again = await accept(guest, invitationId);
    expect([again.status, codeOf(again)]).toEqual([400, "INVITATION_NOT_FOUND"]);
    expect(Object.keys(await rolesOf(database().db, teamId))).toHaveLength(2);
    expect((await asUser(auth(), guest, "/organization/leave", { organizationId: teamId })).status).toBe(200);
    const replay = await accept(guest, invitationId);
    expect([replay.status, codeOf(replay)]).toEqual([400, "INVITATION_NOT_FOUND"]);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBeUndefined();
  });

  it("cannot be accepted once expired", async () => {
    const { guest, teamId, invitationId } = await invited();
    await database()
      .db.updateTable("invitation")
      .set({ expiresAt: new Date(Date.now() - 60_000).toISOString() })
      .where("id", "=", invitationId)
      .execute();
    const answer = await accept(guest, invitationId);
    expect([answer.status, codeOf(answer)]).toEqual([400, "INVITATION_NOT_FOUND"]);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBeUndefined();
  });

  it("can be accepted or declined only by the account whose email it names", async () => {
    const { owner, guest, teamId, invitationId } = await invited("admin");
    const other = await auth().signUp({ name: "Other" });
    for (const [user, label] of [
      [other, "another account"],
      [owner, "the inviter"],
    ] as const) {
      for (const act of [accept, decline]) {
        const answer = await act(user, invitationId);
        expect([answer.status, codeOf(answer)], `${label} ${act.name}`).toEqual([
          403,
          "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
        ]);
      }
    }
    expect(await statusOf(invitationId)).toBe("pending");
    expect((await rolesOf(database().db, teamId))[other.id]).toBeUndefined();
    expect((await accept(guest, invitationId)).status).toBe(200);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBe("admin");
  });

  it("cannot be accepted or declined once revoked, or accepted once declined", async () => {
    const { owner, guest, teamId, invitationId } = await invited();
    const cancelled = await asUser(auth(), owner, "/organization/cancel-invitation", { invitationId });
    expect(cancelled.status).toBe(200);
    for (const act of [accept, decline]) {
      const answer = await act(guest, invitationId);
      expect([answer.status, codeOf(answer)], act.name).toEqual([400, "INVITATION_NOT_FOUND"]);
    }
    const second = await invitationFor(auth(), owner, teamId, guest.email, "viewer");
    expect((await decline(guest, second)).status).toBe(200);
    const late = await accept(guest, second);
    expect([late.status, codeOf(late)]).toEqual([400, "INVITATION_NOT_FOUND"]);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBeUndefined();
  });

  it("is cancelled by a second invitation to the same address, whose role then applies", async () => {
    const { owner, guest, teamId, invitationId } = await invited("viewer");
    const second = await invitationFor(auth(), owner, teamId, guest.email, "admin");
    expect(await statusOf(invitationId)).toBe("canceled");
    const old = await accept(guest, invitationId);
    expect([old.status, codeOf(old)]).toEqual([400, "INVITATION_NOT_FOUND"]);
    expect((await accept(guest, second)).status).toBe(200);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBe("admin");
    expect(await memberIdOf(database().db, teamId, guest.id)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("is never created for someone who is already a member", async () => {
    const { owner, guest, teamId, invitationId } = await invited();
    expect((await accept(guest, invitationId)).status).toBe(200);
    const answer = await invite(auth(), owner, teamId, guest.email, "admin");
    expect([answer.status, codeOf(answer)]).toEqual([400, "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION"]);
    expect((await rolesOf(database().db, teamId))[guest.id]).toBe("member");
  });
});
