import type { Task, TeamTask } from "@tandem/contracts";
import { uuidv7 } from "@tandem/db";
import type { TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { comparableHeaders, comparableProblem, expectProblem } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { allRows, createTask, listTasks, taskStats } from "./support/tasks.ts";
import {
  createTeam,
  createTeamTask,
  join,
  listTeamTasks,
  routeOptions,
  TEAM_ROUTES,
  teamStats,
} from "./support/teams.ts";
import { ITEM_ROUTES } from "./support/two-users.ts";

// A task belongs to exactly one user or one team (decision 016, 6): a team task is reached only
// through its own team's path, never through another team's, the personal routes or the
// compatibility routes; a personal task never through a team path. The caller below is a member
// of both teams, so only the task's owner decides.

/** Answers a request for `foreignId` exactly as for a missing id: 404 TASK_NOT_FOUND. */
async function expectLikeMissing(foreign: Response, missing: Response, label: string): Promise<void> {
  const foreignHeaders = comparableHeaders(foreign);
  const a = await expectProblem(foreign, 404, "TASK_NOT_FOUND");
  const b = await expectProblem(missing, 404, "TASK_NOT_FOUND");
  expect(comparableProblem(a), label).toEqual(comparableProblem(b));
  expect(foreignHeaders, label).toEqual(comparableHeaders(missing));
}

describe.each(targets())("team task isolation ($label)", (target) => {
  const h = useApi(target);
  let ada: TestUser;
  let bo: TestUser;
  let teamA: string;
  let teamB: string;
  let aTasks: TeamTask[];
  let bTasks: TeamTask[];
  let personal: Task[];
  let bosPersonal: Task[];

  beforeAll(async () => {
    ada = await h.signUp("Ada");
    bo = await h.signUp("Bo");
    teamA = await createTeam(h.auth, ada, "Alpha");
    teamB = await createTeam(h.auth, bo, "Beta");
    await join(h.auth, teamB, bo, ada, "member");
    await join(h.auth, teamA, ada, bo, "admin");
    aTasks = [
      await createTeamTask(h, ada.token, teamA, { title: "shared word A one" }),
      await createTeamTask(h, ada.token, teamA, { title: "shared word A two", completed: true }),
    ];
    bTasks = [
      await createTeamTask(h, bo.token, teamB, { title: "shared word B secret", description: "B only" }),
      await createTeamTask(h, ada.token, teamB, { title: "shared word B by Ada", priority: "high" }),
      await createTeamTask(h, bo.token, teamB, { title: "B third", completed: true }),
    ];
    personal = [await createTask(h, ada.token, { title: "shared word personal" })];
    bosPersonal = [await createTask(h, bo.token, { title: "shared word Bo's own" })];
  });

  describe.each(TEAM_ROUTES.filter((r) => r.name.includes("{id}")))("$name", (route) => {
    it("answers 404 for another team's task and for a personal task, exactly as for a missing one", async () => {
      const before = await allRows(h);
      const options = routeOptions(route, ada.token);
      const cases: [string, string, string][] = [
        ["team A's task via team B", teamB, aTasks[0]?.id ?? ""],
        ["team B's task (Ada's own) via team A", teamA, bTasks[1]?.id ?? ""],
        ["Ada's personal task via team A", teamA, personal[0]?.id ?? ""],
        ["Bo's personal task via team B", teamB, bosPersonal[0]?.id ?? ""],
      ];
      for (const [label, teamId, id] of cases) {
        const foreign = await h.request(route.method, route.path(teamId, id), options);
        const missing = await h.request(route.method, route.path(teamId, uuidv7()), options);
        await expectLikeMissing(foreign, missing, label);
      }
      expect(await allRows(h)).toEqual(before);
    });
  });

  describe.each(ITEM_ROUTES)("personal $name", (route) => {
    it("answers 404 for a team task, even one the caller created, exactly as for a missing one", async () => {
      const before = await allRows(h);
      const options = { token: ada.token, ...(route.body ? { body: route.body } : {}) };
      for (const task of [aTasks[0], bTasks[1]]) {
        const foreign = await h.request(route.method, route.path(ada.id, task?.id ?? ""), options);
        const missing = await h.request(route.method, route.path(ada.id, uuidv7()), options);
        await expectLikeMissing(foreign, missing, `${route.name} ${task?.title}`);
      }
      expect(await allRows(h)).toEqual(before);
    });
  });

  it("lists, counts and searches only the list asked for, for every filter, sort and order", async () => {
    const scopes: [
      string,
      (query: string) => Promise<{ id: string }[]>,
      { id: string; completed: boolean }[],
    ][] = [
      ["team A", (q) => listTeamTasks(h, ada.token, teamA, q), aTasks],
      ["team B", (q) => listTeamTasks(h, ada.token, teamB, q), bTasks],
      ["team B as Bo", (q) => listTeamTasks(h, bo.token, teamB, q), bTasks],
      ["Ada's personal", (q) => listTasks(h, ada.token, q), personal],
      ["Bo's personal", (q) => listTasks(h, bo.token, q), bosPersonal],
    ];
    for (const [label, list, own] of scopes) {
      const ids = new Set(own.map((t) => t.id));
      expect(new Set((await list("")).map((t) => t.id)), label).toEqual(ids);
      for (const query of ["status=active", "status=completed", "q=shared", "q=secret", "q=B%20only"]) {
        for (const sort of ["created", "due", "priority", "title"]) {
          for (const order of ["asc", "desc"]) {
            for (const task of await list(`${query}&sort=${sort}&order=${order}`)) {
              expect(ids.has(task.id), `${label} ${query} ${sort} ${order}`).toBe(true);
            }
          }
        }
      }
    }
    const counts = (tasks: { completed: boolean }[]) => {
      const completed = tasks.filter((t) => t.completed).length;
      return { all: tasks.length, active: tasks.length - completed, completed };
    };
    expect(await teamStats(h, ada.token, teamA)).toEqual(counts(aTasks));
    expect(await teamStats(h, bo.token, teamB)).toEqual(counts(bTasks));
    expect(await taskStats(h, ada.token)).toEqual(counts(personal));
    // Words only team B's tasks hold are found in team B alone.
    expect(await listTeamTasks(h, ada.token, teamA, "q=secret")).toEqual([]);
    expect(await listTasks(h, ada.token, "q=secret")).toEqual([]);
    expect(await teamStats(h, ada.token, teamA, "q=secret")).toEqual({ all: 0, active: 0, completed: 0 });
    expect((await listTeamTasks(h, ada.token, teamB, "q=secret")).map((t) => t.id)).toEqual([bTasks[0]?.id]);
    const compat = await h.request("GET", `/api/${ada.id}/tasks?limit=100`, { token: ada.token });
    const compatIds = ((await compat.json()) as { items: { id: string }[] }).items.map((t) => t.id);
    expect(compatIds).toEqual(personal.map((t) => t.id));
  });

  it("creates through a team path in that team only, and through the personal routes never in a team", async () => {
    const made = await createTeamTask(h, ada.token, teamB, { title: "made in B" });
    expect(made.teamId).toBe(teamB);
    const row = await h.database.db
      .selectFrom("task")
      .selectAll()
      .where("id", "=", made.id)
      .executeTakeFirstOrThrow();
    expect([row.team_id, row.user_id, row.created_by]).toEqual([teamB, null, ada.id]);
    const own = await createTask(h, ada.token, { title: "made personally" });
    const ownRow = await h.database.db
      .selectFrom("task")
      .selectAll()
      .where("id", "=", own.id)
      .executeTakeFirstOrThrow();
    expect([ownRow.team_id, ownRow.user_id]).toEqual([null, ada.id]);
    expect((await listTeamTasks(h, ada.token, teamA)).map((t) => t.id)).not.toContain(made.id);
    expect(
      (await h.request("DELETE", `/api/teams/${teamB}/tasks/${made.id}`, { token: ada.token })).status,
    ).toBe(204);
    expect((await h.request("DELETE", `/api/tasks/${own.id}`, { token: ada.token })).status).toBe(204);
  });
});
