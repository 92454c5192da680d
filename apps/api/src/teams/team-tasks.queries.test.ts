import {
  type Problem,
  type TaskStats,
  type TeamTask,
  type TeamTaskPage,
  TeamTaskSchema,
} from "@tandem/contracts";
import { testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { addMember, createTeam, removeMember, teamTasksPath } from "../../test/team-kit.ts";

// A team's task as the API writes and reads it (decision 016 point 7): the personal task plus
// teamId, createdBy and assigneeId; an assignee must be a member of the team when the write happens;
// lists page like the personal ones. The membership bound over HTTP is in team-access.app.test.ts.

const NOT_A_MEMBER = {
  status: 400,
  code: "VALIDATION_FAILED",
  errors: [{ path: "body.assigneeId", message: "Not a member of this team" }],
};

describe.each(testDialects())("team tasks (%s)", (dialect) => {
  let h!: ApiHarness;
  let owner!: TestUser;
  let member!: TestUser;
  let outsider!: TestUser;
  let teamId!: string;
  let clock = 0;

  beforeEach(async () => {
    clock = Date.now();
    h = await createApiHarness(dialect, { now: () => clock });
    [owner, member, outsider] = [
      await h.signUp("Owner"),
      await h.signUp("Member"),
      await h.signUp("Outsider"),
    ];
    teamId = await createTeam(h, owner);
    await addMember(h, teamId, member, "member");
  });
  afterEach(async () => h.close());

  const send = (user: TestUser, method: string, rest: string, body?: unknown) =>
    h.request(method, teamTasksPath(teamId, rest), {
      token: user.token,
      ...(body === undefined ? {} : { body }),
    });

  async function created(user: TestUser, body: object): Promise<TeamTask> {
    const response = await send(user, "POST", "", body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as TeamTask;
  }

  async function problem(response: Response): Promise<Problem> {
    const body = (await response.json()) as Problem;
    expect(body.status).toBe(response.status);
    return body;
  }

  it("creates a team task authored by the caller, answered and listed with the team fields", async () => {
    const response = await send(member, "POST", "", {
      title: "Plan",
      assigneeId: owner.id,
      priority: "high",
    });
    expect(response.status).toBe(201);
    const task = (await response.json()) as TeamTask;
    expect(response.headers.get("location")).toBe(teamTasksPath(teamId, `/${task.id}`));
    expect(TeamTaskSchema.strict().parse(task)).toEqual(task);
    expect(task).toMatchObject({
      title: "Plan",
      teamId,
      createdBy: member.id,
      assigneeId: owner.id,
      completed: false,
    });
    const done = await created(owner, { title: 'Quote " 😀', completed: true, description: null });
    expect(done).toMatchObject({ createdBy: owner.id, assigneeId: null });
    // The list's JSON is built by SQL on SQLite: each item must equal the single-task answer.
    const page = (await (await send(owner, "GET", "?limit=100")).json()) as TeamTaskPage;
    expect(page.items).toHaveLength(2);
    for (const item of page.items) {
      expect(item).toStrictEqual(await (await send(owner, "GET", `/${item.id}`)).json());
    }
    // A member who leaves keeps authorship (decision 016 point 6).
    await removeMember(h, teamId, member);
    expect(await (await send(owner, "GET", `/${task.id}`)).json()).toMatchObject({ createdBy: member.id });
  });

  it("accepts a current member as assignee and refuses anyone else on the field assigneeId", async () => {
    const task = await created(owner, { title: "Assign me" });
    const viewer = await h.signUp("Viewer");
    await addMember(h, teamId, viewer, "viewer");
    expect(await created(member, { title: "To a viewer", assigneeId: viewer.id })).toMatchObject({
      assigneeId: viewer.id,
    });
    for (const stranger of [outsider.id, "no-such-user"]) {
      expect(
        await problem(await send(owner, "POST", "", { title: "x", assigneeId: stranger })),
      ).toMatchObject(NOT_A_MEMBER);
      expect(
        await problem(await send(owner, "PATCH", `/${task.id}`, { assigneeId: stranger })),
      ).toMatchObject(NOT_A_MEMBER);
      expect(
        await problem(await send(owner, "PUT", `/${task.id}`, { title: "x", assigneeId: stranger })),
      ).toMatchObject(NOT_A_MEMBER);
    }
    const malformed = await problem(await send(owner, "POST", "", { title: "x", assigneeId: "not an id" }));
    expect(malformed).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(malformed.errors?.map((e) => e.path)).toEqual(["body.assigneeId"]);
    // Nothing was written by the refused requests.
    expect(await (await send(owner, "GET", `/${task.id}`)).json()).toEqual(task);
    expect(await (await send(owner, "GET", "/stats")).json()).toEqual({
      all: 2,
      active: 2,
      completed: 0,
    } satisfies TaskStats);

    const assigned = (await (
      await send(owner, "PATCH", `/${task.id}`, { assigneeId: member.id })
    ).json()) as TeamTask;
    expect(assigned.assigneeId).toBe(member.id);
    const cleared = (await (
      await send(owner, "PATCH", `/${task.id}`, { assigneeId: null })
    ).json()) as TeamTask;
    expect(cleared.assigneeId).toBeNull();
    await send(owner, "PATCH", `/${task.id}`, { assigneeId: member.id });
    // PUT resets omitted fields, the assignee included.
    const replaced = (await (await send(owner, "PUT", `/${task.id}`, { title: "Again" })).json()) as TeamTask;
    expect(replaced).toMatchObject({ title: "Again", assigneeId: null, createdBy: owner.id, teamId });
  });

  it("checks the assignee at write time, not through the membership cache", async () => {
    const task = await created(owner, { title: "x" });
    expect((await send(owner, "PATCH", `/${task.id}`, { assigneeId: member.id })).status).toBe(200);
    await removeMember(h, teamId, member);
    // Well inside the membership bound: the owner's own access is cached, the assignee is read now.
    expect(await problem(await send(owner, "PATCH", `/${task.id}`, { assigneeId: member.id }))).toMatchObject(
      NOT_A_MEMBER,
    );
    expect(await problem(await send(owner, "POST", "", { title: "y", assigneeId: member.id }))).toMatchObject(
      NOT_A_MEMBER,
    );
  });

  it("reports an invalid assignee before a missing task, as it does the body's other fields", async () => {
    const missing = "01900000-0000-7000-8000-000000000000";
    for (const id of [missing, "not-a-task-id"]) {
      for (const method of ["PATCH", "PUT"]) {
        expect(
          await problem(await send(owner, method, `/${id}`, { title: "t", assigneeId: outsider.id })),
        ).toMatchObject(NOT_A_MEMBER);
        expect(
          await problem(await send(owner, method, `/${id}`, { title: "t", assigneeId: member.id })),
        ).toMatchObject({ status: 404, code: "TASK_NOT_FOUND" });
      }
    }
  });

  it("keeps the personal routes' bodies and answers as they were", async () => {
    const personal = await h.request("POST", "/api/tasks", {
      token: member.token,
      body: { title: "Mine", assigneeId: member.id },
    });
    expect(await problem(personal)).toMatchObject({
      status: 400,
      errors: [{ path: "body.assigneeId", message: "Unknown field" }],
    });
    const mine = await h.request("POST", "/api/tasks", { token: member.token, body: { title: "Mine" } });
    expect(Object.keys((await mine.json()) as object).sort()).toEqual(
      [
        "id",
        "title",
        "description",
        "completed",
        "priority",
        "dueAt",
        "completedAt",
        "createdAt",
        "updatedAt",
      ].sort(),
    );
    expect(await problem(await send(member, "POST", "", { title: "x", userId: member.id }))).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
    });
  });

  it("pages through a team's tasks with filters, search and every sort, without gaps or repeats", async () => {
    const titles = ["alpha", "Bravo", "charlie", "delta", "Echo", "foxtrot", "golf"];
    for (const [i, title] of titles.entries()) {
      await created(i % 2 === 0 ? owner : member, {
        title,
        completed: i < 3,
        priority: (["low", "medium", "high"] as const)[i % 3],
      });
    }
    await h.request("POST", "/api/tasks", { token: member.token, body: { title: "personal alpha" } });
    for (const sort of ["created", "due", "priority", "title"]) {
      for (const [status, expected] of [
        ["all", 7],
        ["active", 4],
        ["completed", 3],
      ] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = new URLSearchParams({
            sort,
            status,
            limit: "2",
            ...(cursor === null ? {} : { cursor }),
          }).toString();
          const response = await send(member, "GET", `?${query}`);
          expect(response.status, await response.clone().text()).toBe(200);
          const page = (await response.json()) as TeamTaskPage;
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((t) => t.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(new Set(seen).size, `${sort} ${status}`).toBe(expected);
        expect(seen, `${sort} ${status}`).toHaveLength(expected);
      }
    }
    const byTitle = (await (await send(member, "GET", "?sort=title&limit=3")).json()) as TeamTaskPage;
    expect(byTitle.items.map((t) => t.title)).toEqual(["alpha", "Bravo", "charlie"]);
    const found = (await (await send(member, "GET", "?q=ALPHA")).json()) as TeamTaskPage;
    expect(found.items.map((t) => t.title)).toEqual(["alpha"]);
    // alpha, Bravo and charlie are completed; delta is not; Echo, foxtrot and golf have no "a".
    expect(await (await send(member, "GET", "/stats?q=a")).json()).toEqual({
      all: 4,
      active: 1,
      completed: 3,
    });
    expect(await problem(await send(member, "GET", "?cursor=garbage"))).toMatchObject({
      status: 400,
      code: "INVALID_CURSOR",
    });
    expect(await problem(await send(member, "GET", "?limit=0"))).toMatchObject({
      status: 400,
      code: "VALIDATION_FAILED",
    });
  });
});
