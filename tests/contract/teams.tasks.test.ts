import { TeamTaskSchema } from "@tandem/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import {
  asUser,
  type Crew,
  createTeam,
  createTeamTask,
  crew,
  getTeamTask,
  join,
  listTeamTasks,
  missingTeamId,
  teamRows,
  teamTaskPath,
  teamTasksPath,
} from "./support/teams.ts";

// A team task (decision 016, 6–7): the personal task plus teamId, createdBy (the creator, never
// taken from the body) and assigneeId (a current member or null; anyone else is 400 on
// body.assigneeId). Leaving or being removed keeps authorship and clears that team's assignments;
// deleting the team deletes its tasks; deleting an account keeps its team tasks, author null.
// AUTH_REVOCATION_CHECK_SECONDS=0, so each membership change applies at the next request.

const TEAM_TASK_KEYS = [
  "assigneeId",
  "completed",
  "completedAt",
  "createdAt",
  "createdBy",
  "description",
  "dueAt",
  "id",
  "priority",
  "teamId",
  "title",
  "updatedAt",
];

describe.each(targets())("team tasks ($label)", (target) => {
  const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "0" } });
  let c: Crew;
  beforeAll(async () => {
    c = await crew(h.auth, h.database.db, "Makers");
  });

  /** Answers 400 VALIDATION_FAILED naming body.assigneeId, and changes nothing. */
  async function expectAssigneeRefused(
    method: string,
    path: string,
    body: Record<string, unknown>,
    label: string,
  ) {
    const before = await teamRows(h, c.teamId);
    const response = await h.request(method, path, { token: c.member.token, body });
    const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
    expect(
      problem.errors?.map((e) => e.path),
      label,
    ).toEqual(["body.assigneeId"]);
    expect(await teamRows(h, c.teamId), label).toEqual(before);
    return problem;
  }

  it("creates a team task with teamId, createdBy = the creator, assigneeId, and a Location in the team", async () => {
    const response = await h.request("POST", teamTasksPath(c.teamId), {
      token: c.member.token,
      body: { title: "  Ship it  ", assigneeId: c.viewer.id },
    });
    const text = await response.text();
    expect(response.status, text).toBe(201);
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(TEAM_TASK_KEYS);
    const task = TeamTaskSchema.parse(raw);
    expect(task).toMatchObject({
      title: "Ship it",
      teamId: c.teamId,
      createdBy: c.member.id,
      assigneeId: c.viewer.id,
      completed: false,
      priority: "medium",
    });
    expect(response.headers.get("location")).toBe(teamTaskPath(c.teamId, task.id));
    expect(await getTeamTask(h, c.owner.token, c.teamId, task.id)).toEqual(task);
    const row = await h.database.db
      .selectFrom("task")
      .selectAll()
      .where("id", "=", task.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      user_id: null,
      team_id: c.teamId,
      created_by: c.member.id,
      assignee_id: c.viewer.id,
    });
  });

  it("keeps createdBy when others edit, and takes no owner field from the body", async () => {
    const task = await createTeamTask(h, c.member.token, c.teamId, { title: "Authored" });
    const patched = await h.request("PATCH", teamTaskPath(c.teamId, task.id), {
      token: c.admin.token,
      body: { title: "Edited by admin", assigneeId: c.owner.id },
    });
    expect(patched.status).toBe(200);
    expect(TeamTaskSchema.parse(await patched.json())).toMatchObject({
      createdBy: c.member.id,
      assigneeId: c.owner.id,
    });
    for (const field of ["createdBy", "teamId", "userId", "user_id", "team_id", "created_by"]) {
      const before = await teamRows(h, c.teamId);
      for (const [method, path] of [
        ["POST", teamTasksPath(c.teamId)],
        ["PATCH", teamTaskPath(c.teamId, task.id)],
        ["PUT", teamTaskPath(c.teamId, task.id)],
      ] as const) {
        const response = await h.request(method, path, {
          token: c.admin.token,
          body: { title: "x", [field]: c.admin.id },
        });
        await expectProblem(response, 400, "VALIDATION_FAILED");
      }
      expect(await teamRows(h, c.teamId), field).toEqual(before);
    }
    expect((await getTeamTask(h, c.owner.token, c.teamId, task.id)).createdBy).toBe(c.member.id);
  });

  it("accepts any current member or null as assignee on create, PUT and PATCH; PUT without one clears it", async () => {
    const task = await createTeamTask(h, c.member.token, c.teamId, { title: "Assign me", assigneeId: null });
    expect(task.assigneeId).toBeNull();
    for (const user of [c.owner, c.admin, c.member, c.viewer]) {
      const put = await h.request("PUT", teamTaskPath(c.teamId, task.id), {
        token: c.member.token,
        body: { title: "Assign me", assigneeId: user.id },
      });
      expect(TeamTaskSchema.parse(await put.json()).assigneeId, user.name).toBe(user.id);
      const patch = await h.request("PATCH", teamTaskPath(c.teamId, task.id), {
        token: c.member.token,
        body: { assigneeId: null },
      });
      expect(TeamTaskSchema.parse(await patch.json()).assigneeId).toBeNull();
    }
    const assigned = await h.request("PATCH", teamTaskPath(c.teamId, task.id), {
      token: c.member.token,
      body: { assigneeId: c.admin.id },
    });
    expect(TeamTaskSchema.parse(await assigned.json()).assigneeId).toBe(c.admin.id);
    const replaced = await h.request("PUT", teamTaskPath(c.teamId, task.id), {
      token: c.member.token,
      body: { title: "Replaced" },
    });
    expect(TeamTaskSchema.parse(await replaced.json())).toMatchObject({
      title: "Replaced",
      assigneeId: null,
    });
  });

  it("refuses a non-member assignee with 400 VALIDATION_FAILED on body.assigneeId, on create, PUT and PATCH", async () => {
    const task = await createTeamTask(h, c.member.token, c.teamId, { title: "Guarded" });
    const elsewhere = await createTeam(h.auth, c.outsider, "Elsewhere");
    expect(elsewhere).not.toBe(c.teamId);
    for (const [label, assigneeId] of [
      ["a user of no team here", c.outsider.id],
      ["a user id that does not exist", missingTeamId()],
      ["the team's own id", c.teamId],
      ["a member row id", c.memberIds.member],
    ] as const) {
      for (const [method, path, body] of [
        ["POST", teamTasksPath(c.teamId), { title: "x", assigneeId }],
        ["PUT", teamTaskPath(c.teamId, task.id), { title: "x", assigneeId }],
        ["PATCH", teamTaskPath(c.teamId, task.id), { assigneeId }],
      ] as const) {
        const problem = await expectAssigneeRefused(method, path, body, `${method} ${label}`);
        expect(problem.errors?.[0]?.message, label).toBe("Not a member of this team");
      }
    }
    for (const assigneeId of ["not an id!", "", 42, "x".repeat(65)]) {
      await expectAssigneeRefused(
        "PATCH",
        teamTaskPath(c.teamId, task.id),
        { assigneeId },
        JSON.stringify(assigneeId),
      );
    }
    expect((await getTeamTask(h, c.owner.token, c.teamId, task.id)).assigneeId).toBeNull();
  });

  it("keeps a leaving or removed member's tasks (createdBy) and clears their assignments in that team only", async () => {
    const leaver = await h.signUp("Leaver");
    const removed = await h.signUp("Removed");
    await join(h.auth, c.teamId, c.owner, leaver, "member");
    const removedMemberId = await join(h.auth, c.teamId, c.owner, removed, "member");
    const other = await createTeam(h.auth, leaver, "Leaver's own");
    await join(h.auth, other, leaver, removed, "member");
    const own = await createTeamTask(h, leaver.token, c.teamId, {
      title: "by leaver",
      assigneeId: leaver.id,
    });
    const theirs = await createTeamTask(h, c.owner.token, c.teamId, {
      title: "for them",
      assigneeId: removed.id,
    });
    const forLeaver = await createTeamTask(h, c.owner.token, c.teamId, {
      title: "for leaver",
      assigneeId: leaver.id,
    });
    const kept = await createTeamTask(h, leaver.token, other, {
      title: "other team",
      assigneeId: removed.id,
    });

    expect((await asUser(h.auth, leaver, "/organization/leave", { organizationId: c.teamId })).status).toBe(
      200,
    );
    const removal = await asUser(h.auth, c.admin, "/organization/remove-member", {
      organizationId: c.teamId,
      memberIdOrEmail: removedMemberId,
    });
    expect(removal.status).toBe(200);

    const after = new Map((await listTeamTasks(h, c.owner.token, c.teamId)).map((t) => [t.id, t]));
    expect(after.get(own.id)).toMatchObject({ createdBy: leaver.id, assigneeId: null, title: "by leaver" });
    expect(after.get(theirs.id)).toMatchObject({ createdBy: c.owner.id, assigneeId: null });
    expect(after.get(forLeaver.id)).toMatchObject({ assigneeId: null });
    expect(await getTeamTask(h, leaver.token, other, kept.id)).toMatchObject({ assigneeId: removed.id });
    // They are no longer members: not assignable, and the team is gone for them.
    for (const user of [leaver, removed]) {
      await expectAssigneeRefused(
        "PATCH",
        teamTaskPath(c.teamId, own.id),
        { assigneeId: user.id },
        user.name,
      );
      await expectProblem(
        await h.request("GET", teamTasksPath(c.teamId), { token: user.token }),
        404,
        "TEAM_NOT_FOUND",
      );
    }
  });

  it("deletes the team's tasks with the team: rows gone, the old paths answer 404 TEAM_NOT_FOUND", async () => {
    const d = await crew(h.auth, h.database.db, "Doomed");
    const tasks = [
      await createTeamTask(h, d.member.token, d.teamId, { title: "one", assigneeId: d.viewer.id }),
      await createTeamTask(h, d.owner.token, d.teamId, { title: "two" }),
    ];
    expect(await teamRows(h, d.teamId)).toHaveLength(2);
    expect((await asUser(h.auth, d.owner, "/organization/delete", { organizationId: d.teamId })).status).toBe(
      200,
    );
    expect(await teamRows(h, d.teamId)).toEqual([]);
    const ids = tasks.map((t) => t.id);
    expect(await h.database.db.selectFrom("task").select("id").where("id", "in", ids).execute()).toEqual([]);
    for (const user of [d.owner, d.member]) {
      await expectProblem(
        await h.request("GET", teamTasksPath(d.teamId), { token: user.token }),
        404,
        "TEAM_NOT_FOUND",
      );
      await expectProblem(
        await h.request("GET", teamTaskPath(d.teamId, ids[0] ?? ""), { token: user.token }),
        404,
        "TEAM_NOT_FOUND",
      );
    }
  });

  it("keeps a deleted account's team tasks with the team, author and assignee null", async () => {
    const gone = await h.signUp("Gone");
    await join(h.auth, c.teamId, c.owner, gone, "member");
    const task = await createTeamTask(h, gone.token, c.teamId, { title: "orphan", assigneeId: gone.id });
    expect((await asUser(h.auth, gone, "/delete-user", { password: gone.password })).status).toBe(200);
    expect(await getTeamTask(h, c.viewer.token, c.teamId, task.id)).toEqual({
      ...task,
      createdBy: null,
      assigneeId: null,
    });
  });
});
