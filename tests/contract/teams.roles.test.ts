import {
  TEAM_ROLES,
  type TeamRole,
  TeamTaskPageSchema,
  TeamTaskSchema,
  TaskStatsSchema,
} from "@tandem/contracts";
import { uuidv7 } from "@tandem/db";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectUnauthenticated } from "./support/problems.ts";
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
  routeOptions,
  TEAM_ROUTES,
  teamRows,
  teamTaskPath,
  teamTasksPath,
  VIEWER_DETAIL,
} from "./support/teams.ts";

// Every role × every team route × method (decision 016): viewers read, the other three roles also
// write, and the checks run in the order the decision gives — authentication, the team, the role,
// then the request itself. AUTH_REVOCATION_CHECK_SECONDS=0: the role is read on every request, so a
// change applies at the next one, and a role that cannot be read fails the request.

describe.each(targets())("team routes by role ($label)", (target) => {
  const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "0" } });
  let c: Crew;
  beforeAll(async () => {
    c = await crew(h.auth, h.database.db);
  });

  it.each(TEAM_ROLES.filter((r) => r !== "viewer"))(
    "%s: reads 200, creates 201, edits, replaces and toggles 200, deletes 204",
    async (role: TeamRole) => {
      const user = c.byRole[role];
      for (const route of TEAM_ROUTES) {
        const task = await createTeamTask(h, c.owner.token, c.teamId, { title: `for ${role}` });
        const response = await h.request(
          route.method,
          route.path(c.teamId, task.id),
          routeOptions(route, user.token),
        );
        const text = await response.text();
        expect(response.status, `${role} ${route.name}: ${text}`).toBe(route.ok);
        const body: unknown = text === "" ? null : JSON.parse(text);
        switch (route.name) {
          case "GET /tasks":
            expect(TeamTaskPageSchema.parse(body).items.map((t) => t.id)).toContain(task.id);
            break;
          case "GET /tasks/stats":
            expect(TaskStatsSchema.parse(body).all).toBeGreaterThan(0);
            break;
          case "GET /tasks/{id}":
            expect(TeamTaskSchema.parse(body)).toEqual(task);
            break;
          case "POST /tasks":
            expect(TeamTaskSchema.parse(body)).toMatchObject({
              title: "Written",
              teamId: c.teamId,
              createdBy: user.id,
              assigneeId: null,
            });
            break;
          case "PATCH /tasks/{id}":
            expect(TeamTaskSchema.parse(body)).toMatchObject({
              id: task.id,
              title: "Patched",
              createdBy: c.owner.id,
            });
            break;
          case "PUT /tasks/{id}":
            expect(TeamTaskSchema.parse(body)).toMatchObject({
              id: task.id,
              title: "Replaced",
              createdBy: c.owner.id,
            });
            break;
          case "DELETE /tasks/{id}":
            expect((await teamRows(h, c.teamId)).map((r) => r.id)).not.toContain(task.id);
            break;
          case "PATCH /tasks/{id}/complete":
            expect(TeamTaskSchema.parse(body)).toMatchObject({ id: task.id, completed: true });
            break;
        }
      }
    },
  );

  it("viewer: reads 200; every write answers 403 FORBIDDEN with the viewer detail and changes nothing", async () => {
    const task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Read only" });
    for (const route of TEAM_ROUTES) {
      const before = await teamRows(h, c.teamId);
      const response = await h.request(
        route.method,
        route.path(c.teamId, task.id),
        routeOptions(route, c.viewer.token),
      );
      if (!route.write) {
        expect(response.status, route.name).toBe(200);
        continue;
      }
      const problem = await expectProblem(response, 403, "FORBIDDEN");
      expect(problem.detail, route.name).toBe(VIEWER_DETAIL);
      expect(await teamRows(h, c.teamId), route.name).toEqual(before);
    }
    expect(await getTeamTask(h, c.viewer.token, c.teamId, task.id)).toEqual(task);
  });

  it("viewer: the role is checked before the body and the task (403 for a bad body or a missing task)", async () => {
    const task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Still read only" });
    const before = await teamRows(h, c.teamId);
    for (const route of TEAM_ROUTES.filter((r) => r.write)) {
      for (const [what, id, body] of [
        ["bad body", task.id, { title: 42, extra: true }],
        ["missing task", uuidv7(), route.body],
        ["not JSON", task.id, "{"],
      ] as const) {
        const response = await h.request(route.method, route.path(c.teamId, id), {
          token: c.viewer.token,
          ...(body === undefined ? {} : { body }),
        });
        const problem = await expectProblem(response, 403, "FORBIDDEN");
        expect(problem.detail, `${route.name} ${what}`).toBe(VIEWER_DETAIL);
      }
    }
    expect(await teamRows(h, c.teamId)).toEqual(before);
  });

  it("members get the personal routes' answers after the role check: 400 for a bad body, 404 TASK_NOT_FOUND", async () => {
    for (const route of TEAM_ROUTES.filter((r) => r.body !== undefined)) {
      const task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Validated" });
      const bad = await h.request(route.method, route.path(c.teamId, task.id), {
        token: c.member.token,
        body: { title: "" },
      });
      await expectProblem(bad, 400, "VALIDATION_FAILED");
    }
    for (const route of TEAM_ROUTES.filter((r) => r.name.includes("{id}"))) {
      const missing = await h.request(
        route.method,
        route.path(c.teamId, uuidv7()),
        routeOptions(route, c.member.token),
      );
      await expectProblem(missing, 404, "TASK_NOT_FOUND");
    }
  });

  it("an outsider's call, even with a bad body, answers 404 TEAM_NOT_FOUND before any validation", async () => {
    const task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Hidden" });
    const before = await teamRows(h, c.teamId);
    for (const route of TEAM_ROUTES) {
      const bodies =
        route.method === "GET" || route.method === "DELETE" ? [undefined] : [route.body, { title: 42 }, "{"];
      for (const body of bodies) {
        const response = await h.request(route.method, route.path(c.teamId, task.id), {
          token: c.outsider.token,
          ...(body === undefined ? {} : { body }),
        });
        const problem = await expectProblem(response, 404, "TEAM_NOT_FOUND");
        expect(problem.detail, route.name).toBe("No such team");
      }
    }
    expect(await teamRows(h, c.teamId)).toEqual(before);
  });

  it("authentication comes first: 401 without a token, for a real, a missing and a malformed team", async () => {
    const task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Auth first" });
    for (const teamId of [c.teamId, "NoSuchTeam0000000000000000000000", "%00bad"]) {
      for (const route of TEAM_ROUTES) {
        const response = await h.request(route.method, route.path(teamId, task.id), {
          ...(route.body === undefined ? {} : { body: route.body }),
        });
        await expectUnauthenticated(response);
      }
    }
    const list = await h.request("GET", teamTasksPath(c.teamId), { token: "not-a-jwt" });
    expect(list.status).toBe(401);
  });

  it("applies a downgrade, a removal and a new membership at the very next request", async () => {
    const owner = await h.signUp("Owner");
    const user = await h.signUp("Changing");
    const teamId = await createTeam(h.auth, owner, "Changing");
    const memberId = await join(h.auth, teamId, owner, user, "admin");
    const task = await createTeamTask(h, owner.token, teamId, { title: "now" });
    const write = () =>
      h.request("PATCH", teamTaskPath(teamId, task.id), { token: user.token, body: { title: "now" } });
    expect((await write()).status).toBe(200);
    const downgraded = await asUser(h.auth, owner, "/organization/update-member-role", {
      organizationId: teamId,
      memberId,
      role: "viewer",
    });
    expect(downgraded.status).toBe(200);
    expect((await expectProblem(await write(), 403, "FORBIDDEN")).detail).toBe(VIEWER_DETAIL);
    const removed = await asUser(h.auth, owner, "/organization/remove-member", {
      organizationId: teamId,
      memberIdOrEmail: memberId,
    });
    expect(removed.status).toBe(200);
    await expectProblem(await write(), 404, "TEAM_NOT_FOUND");
    await join(h.auth, teamId, owner, user, "member");
    expect((await write()).status).toBe(200);
  });

  it("fails closed when the membership cannot be read (503, never a pass), and recovers", async () => {
    const list = () => h.request("GET", teamTasksPath(c.teamId), { token: c.member.token });
    expect((await list()).status).toBe(200);
    await sql`ALTER TABLE member RENAME TO member_away`.execute(h.database.db);
    try {
      const response = await list();
      const text = await response.clone().text();
      await expectProblem(response, 503, "SERVICE_UNAVAILABLE");
      expect(text).not.toMatch(/member_away|no such table|relation/i);
    } finally {
      await sql`ALTER TABLE member_away RENAME TO member`.execute(h.database.db);
    }
    expect((await list()).status).toBe(200);
  });
});
