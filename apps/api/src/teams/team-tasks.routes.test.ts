import type { Problem, TeamTask } from "@tandem/contracts";
import { testDialects, type TestUser } from "@tandem/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { addMember, createTeam, teamTasksPath } from "../../test/team-kit.ts";

// Decision 016 point 5: who may do what under /api/teams/{teamId}/tasks, checked in order —
// authentication, then the team (404 TEAM_NOT_FOUND, the same for a missing team, a foreign one
// and an impossible id), then the role (403 for a viewer's writes), then the personal routes' rules.

const PROBLEM = /^application\/problem\+json/;
const VIEWER_DETAIL = "Viewers can read this team's tasks but not change them";

interface Op {
  name: string;
  method: string;
  path: (taskId: string) => string;
  body?: unknown;
  ok: number;
  write: boolean;
}

const OPS: Op[] = [
  { name: "list", method: "GET", path: () => "", ok: 200, write: false },
  { name: "stats", method: "GET", path: () => "/stats", ok: 200, write: false },
  { name: "get", method: "GET", path: (id) => `/${id}`, ok: 200, write: false },
  { name: "create", method: "POST", path: () => "", body: { title: "New" }, ok: 201, write: true },
  {
    name: "update",
    method: "PATCH",
    path: (id) => `/${id}`,
    body: { title: "Edited" },
    ok: 200,
    write: true,
  },
  {
    name: "replace",
    method: "PUT",
    path: (id) => `/${id}`,
    body: { title: "Replaced" },
    ok: 200,
    write: true,
  },
  { name: "toggle", method: "PATCH", path: (id) => `/${id}/complete`, ok: 200, write: true },
  { name: "delete", method: "DELETE", path: (id) => `/${id}`, ok: 204, write: true },
];

/** The problem as a client can compare two of them: everything but the path and the request id. */
async function comparable(response: Response) {
  expect(response.headers.get("content-type")).toMatch(PROBLEM);
  const { instance: _instance, requestId: _requestId, ...rest } = (await response.json()) as Problem;
  return { ...rest, status: response.status, allow: response.headers.get("allow") };
}

describe.each(testDialects())("team task access (%s)", (dialect) => {
  let h!: ApiHarness;
  let users!: Record<"owner" | "admin" | "member" | "viewer" | "outsider" | "unknownRole", TestUser>;
  let teamId!: string;
  let otherTeamId!: string;

  beforeAll(async () => {
    h = await createApiHarness(dialect);
    const names = ["owner", "admin", "member", "viewer", "outsider", "unknownRole"] as const;
    users = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await h.signUp(n)] as const)),
    ) as typeof users;
    teamId = await createTeam(h, users.owner);
    otherTeamId = await createTeam(h, users.outsider, "Elsewhere");
    for (const role of ["admin", "member", "viewer"] as const) await addMember(h, teamId, users[role], role);
    await addMember(h, teamId, users.unknownRole, "superuser");
  });
  afterAll(async () => h.close());

  const send = (user: TestUser, method: string, path: string, body?: unknown) =>
    h.request(method, path, { token: user.token, ...(body === undefined ? {} : { body }) });

  async function newTask(team = teamId, by = users.owner, title = "Shared"): Promise<TeamTask> {
    const response = await send(by, "POST", teamTasksPath(team), { title });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as TeamTask;
  }

  it.each(["owner", "admin", "member", "viewer"] as const)(
    "lets a %s do what the role allows",
    async (role) => {
      for (const op of OPS) {
        const task = await newTask();
        const response = await send(users[role], op.method, teamTasksPath(teamId, op.path(task.id)), op.body);
        const label = `${role} ${op.name}`;
        if (role === "viewer" && op.write) {
          expect(await comparable(response), label).toMatchObject({
            status: 403,
            code: "FORBIDDEN",
            detail: VIEWER_DETAIL,
          });
          const still = await send(users.owner, "GET", teamTasksPath(teamId, `/${task.id}`));
          expect(await still.json(), `${label} changed nothing`).toEqual(task);
        } else {
          expect(response.status, `${label}: ${await response.clone().text()}`).toBe(op.ok);
        }
      }
    },
  );

  it("refuses everything, reads too, to a member whose stored role Tandem does not know", async () => {
    const task = await newTask();
    for (const op of OPS) {
      const response = await send(
        users.unknownRole,
        op.method,
        teamTasksPath(teamId, op.path(task.id)),
        op.body,
      );
      expect(await comparable(response), op.name).toMatchObject({ status: 403, code: "FORBIDDEN" });
    }
  });

  it("answers a non-member exactly as a missing team or an impossible team id, before the role or the body", async () => {
    const task = await newTask();
    const teams = [teamId, "no-such-team", "x".repeat(65), "bad%20id", "%00", "a.b"];
    for (const op of OPS) {
      const answers = [];
      for (const team of teams) {
        // The outsider's writes carry an invalid body: the team check still comes first.
        const body = op.body === undefined ? undefined : { title: "" };
        answers.push(
          await comparable(
            await send(users.outsider, op.method, teamTasksPath(team, op.path(task.id)), body),
          ),
        );
      }
      for (const answer of answers) {
        expect(answer, op.name).toEqual({
          status: 404,
          allow: null,
          type: "urn:tandem:problem:team-not-found",
          title: "Team not found",
          detail: "No such team",
          code: "TEAM_NOT_FOUND",
        });
      }
    }
    // The viewer's write to a team they are not in is a 404 too, not a 403.
    const foreign = await send(users.viewer, "POST", teamTasksPath(otherTeamId), { title: "x" });
    expect((await comparable(foreign)).code).toBe("TEAM_NOT_FOUND");
  });

  it("authenticates before it looks at the team", async () => {
    for (const path of [teamTasksPath(teamId), teamTasksPath("no-such-team")]) {
      const response = await h.request("GET", path);
      expect(response.status).toBe(401);
      expect(((await response.json()) as Problem).code).toBe("UNAUTHENTICATED");
    }
  });

  it("answers 405 with Allow on team paths, after the team check", async () => {
    const task = await newTask();
    for (const [method, path, allow] of [
      ["DELETE", "", "GET, POST"],
      ["POST", "/stats", "GET"],
      ["POST", `/${task.id}`, "GET, PATCH, PUT, DELETE"],
      ["GET", `/${task.id}/complete`, "PATCH"],
    ] as const) {
      const response = await send(users.member, method, teamTasksPath(teamId, path));
      expect(await comparable(response), `${method} ${path}`).toMatchObject({
        status: 405,
        allow,
        code: "METHOD_NOT_ALLOWED",
      });
      const outsider = await send(users.outsider, method, teamTasksPath(teamId, path));
      expect(outsider.status, `${method} ${path} as outsider`).toBe(404);
    }
  });

  it("never reaches another team's task through this team's path, even for a member of both", async () => {
    await addMember(h, otherTeamId, users.member, "member");
    const theirs = await newTask(otherTeamId, users.outsider, "Theirs");
    for (const op of OPS.filter((o) => o.path("x") !== "" && o.name !== "stats")) {
      const response = await send(
        users.member,
        op.method,
        teamTasksPath(teamId, op.path(theirs.id)),
        op.body,
      );
      expect(await comparable(response), op.name).toMatchObject({ status: 404, code: "TASK_NOT_FOUND" });
    }
    const list = (await (await send(users.member, "GET", teamTasksPath(teamId, "?limit=100"))).json()) as {
      items: TeamTask[];
    };
    expect(list.items.map((t) => t.id)).not.toContain(theirs.id);
    const still = await send(users.outsider, "GET", teamTasksPath(otherTeamId, `/${theirs.id}`));
    expect(await still.json()).toEqual(theirs);
  });

  it("keeps personal and team tasks apart by id, both ways, and in lists and counts", async () => {
    const author = users.member;
    const personal = await send(author, "POST", "/api/tasks", { title: "Mine" });
    const mine = (await personal.json()) as { id: string };
    const shared = await newTask(teamId, author, "Ours");
    for (const op of OPS.filter((o) => o.path("x") !== "" && o.name !== "stats")) {
      const viaTeam = await send(author, op.method, teamTasksPath(teamId, op.path(mine.id)), op.body);
      expect(await comparable(viaTeam), `team path, personal task: ${op.name}`).toMatchObject({
        code: "TASK_NOT_FOUND",
      });
      for (const prefix of ["/api/tasks", `/api/${author.id}/tasks`]) {
        const viaPersonal = await send(author, op.method, `${prefix}${op.path(shared.id)}`, op.body);
        expect(await comparable(viaPersonal), `${prefix}, team task: ${op.name}`).toMatchObject({
          code: "TASK_NOT_FOUND",
        });
      }
    }
    const personalList = (await (await send(author, "GET", "/api/tasks?limit=100")).json()) as {
      items: { id: string }[];
    };
    expect(personalList.items.map((t) => t.id)).toEqual([mine.id]);
    expect(await (await send(author, "GET", "/api/tasks/stats")).json()).toEqual({
      all: 1,
      active: 1,
      completed: 0,
    });
    const teamList = (await (await send(author, "GET", teamTasksPath(teamId, "?limit=100"))).json()) as {
      items: TeamTask[];
    };
    expect(teamList.items.map((t) => t.id)).toContain(shared.id);
    expect(teamList.items.map((t) => t.id)).not.toContain(mine.id);
    expect(await (await send(author, "GET", `/api/tasks/${mine.id}`)).json()).not.toHaveProperty("teamId");
  });
});
