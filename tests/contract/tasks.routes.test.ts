import type { Problem, Task, TaskPage, TaskStats } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Lets the millisecond clock move on, so a later write gets a later timestamp. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(targets())("task routes ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;

  beforeEach(async () => {
    user = await h.signUp("Ada");
  });

  async function call<T = Task>(method: string, path: string, body?: unknown) {
    const response = await h.request(method, path, {
      token: user.token,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (text === "" ? null : JSON.parse(text)) as T,
    };
  }

  async function create(input: Record<string, unknown>): Promise<Task> {
    const { status, body, text } = await call("POST", "/api/tasks", input);
    expect(status, text).toBe(201);
    return body;
  }

  it("tells the caller who they are", async () => {
    expect((await call("GET", "/api/me")).body).toMatchObject({ id: user.id, name: "Ada" });
  });

  it("creates a task with defaults, a UUIDv7 id, equal ISO timestamps and a Location", async () => {
    const before = new Date().toISOString();
    const response = await call("POST", "/api/tasks", { title: "  Buy milk  " });
    const after = new Date().toISOString();
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const task = response.body;
    expect(task).toEqual({
      id: expect.stringMatching(UUID_V7),
      title: "Buy milk",
      description: null,
      completed: false,
      priority: "medium",
      dueAt: null,
      completedAt: null,
      createdAt: expect.stringMatching(ISO),
      updatedAt: task.createdAt,
    });
    expect(task.createdAt >= before && task.createdAt <= after).toBe(true);
    expect(response.headers.get("location")).toBe(`/api/tasks/${task.id}`);
    expect((await call("GET", `/api/tasks/${task.id}`)).body).toEqual(task);

    const compat = await call("POST", `/api/${user.id}/tasks`, { title: "Via compat" });
    expect(compat.headers.get("location")).toBe(`/api/${user.id}/tasks/${compat.body.id}`);
    expect((await call("GET", `/api/${user.id}/tasks/${compat.body.id}`)).body).toEqual(compat.body);
  });

  it("creates a completed task with every field, its due date normalised to UTC", async () => {
    const task = await create({
      title: "Report",
      description: "Quarterly\nnumbers",
      completed: true,
      priority: "high",
      dueAt: "2030-01-01T10:00:00+02:00",
    });
    expect(task).toMatchObject({ description: "Quarterly\nnumbers", completed: true, priority: "high" });
    expect(task.dueAt).toBe("2030-01-01T08:00:00.000Z");
    expect(task.completedAt).toBe(task.createdAt);
    for (const [input, stored] of [
      ["2030-01-01T00:00:00-05:30", "2030-01-01T05:30:00.000Z"],
      ["2030-06-30T23:59:59.5Z", "2030-06-30T23:59:59.500Z"],
      ["2031-01-01T01:00:00+01:00", "2031-01-01T00:00:00.000Z"],
    ]) {
      expect((await create({ title: "t", dueAt: input })).dueAt, input).toBe(stored);
      const patched = await call("PATCH", `/api/tasks/${task.id}`, { dueAt: input });
      expect(patched.body.dueAt, `PATCH ${input}`).toBe(stored);
    }
  });

  it("PATCH changes only the given fields and advances updatedAt", async () => {
    const original = await create({
      title: "Plan",
      description: "d",
      priority: "low",
      dueAt: "2030-01-01T00:00:00Z",
    });
    let current = original;
    for (const patch of [
      { title: "Plan v2" },
      { description: null },
      { priority: "high" },
      { dueAt: "2031-02-03T04:05:06.007Z" },
      { dueAt: null },
      { description: "back" },
    ] as const) {
      await tick();
      const { status, body } = await call("PATCH", `/api/tasks/${original.id}`, patch);
      expect(status).toBe(200);
      expect(body, JSON.stringify(patch)).toEqual({ ...current, ...patch, updatedAt: body.updatedAt });
      expect(body.updatedAt > current.updatedAt, "updatedAt advances").toBe(true);
      expect(body.createdAt).toBe(original.createdAt);
      expect((await call("GET", `/api/tasks/${original.id}`)).body).toEqual(body);
      current = body;
    }
  });

  it("PATCH completed sets completedAt, keeps it when completed again and clears it when reopened", async () => {
    const task = await create({ title: "Finish" });
    await tick();
    const done = (await call("PATCH", `/api/tasks/${task.id}`, { completed: true })).body;
    expect(done.completed).toBe(true);
    expect(done.completedAt).toBe(done.updatedAt);
    expect((done.completedAt ?? "") > task.createdAt).toBe(true);
    await tick();
    const again = (await call("PATCH", `/api/tasks/${task.id}`, { completed: true, title: "Finish!" })).body;
    expect(again.completedAt).toBe(done.completedAt);
    expect(again.updatedAt > done.updatedAt).toBe(true);
    const reopened = (await call("PATCH", `/api/tasks/${task.id}`, { completed: false })).body;
    expect(reopened).toMatchObject({ completed: false, completedAt: null, title: "Finish!" });
  });

  it("PUT replaces the whole task, resetting omitted fields to their defaults", async () => {
    const task = await create({
      title: "Full",
      description: "all set",
      completed: true,
      priority: "high",
      dueAt: "2030-01-01T00:00:00Z",
    });
    await tick();
    const { status, body } = await call("PUT", `/api/tasks/${task.id}`, { title: "Bare" });
    expect(status).toBe(200);
    expect(body).toEqual({
      ...task,
      title: "Bare",
      description: null,
      completed: false,
      completedAt: null,
      priority: "medium",
      dueAt: null,
      updatedAt: body.updatedAt,
    });
    expect(body.updatedAt > task.updatedAt).toBe(true);
    const full = await call("PUT", `/api/${user.id}/tasks/${task.id}`, {
      title: "Again",
      completed: true,
      priority: "low",
    });
    expect(full.body).toMatchObject({ title: "Again", completed: true, priority: "low", description: null });
    expect(full.body.completedAt).toBe(full.body.updatedAt);
  });

  it("DELETE answers 204, then the task is gone for every method", async () => {
    const task = await create({ title: "Temporary" });
    const deleted = await call("DELETE", `/api/tasks/${task.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    for (const [method, path, body] of [
      ["GET", `/api/tasks/${task.id}`],
      ["DELETE", `/api/tasks/${task.id}`],
      ["PATCH", `/api/tasks/${task.id}`, { title: "x" }],
      ["PUT", `/api/tasks/${task.id}`, { title: "x" }],
      ["PATCH", `/api/tasks/${task.id}/complete`],
      ["DELETE", `/api/${user.id}/tasks/${task.id}`],
    ] as const) {
      const response = await call<Problem>(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe("TASK_NOT_FOUND");
    }
  });

  it("toggles completion, setting and clearing completedAt, on both URL schemes", async () => {
    const task = await create({ title: "Toggle me" });
    await tick();
    const on = await call("PATCH", `/api/${user.id}/tasks/${task.id}/complete`);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ completed: true, completedAt: on.body.updatedAt, title: "Toggle me" });
    expect(on.body.updatedAt > task.updatedAt).toBe(true);
    const off = await call("PATCH", `/api/tasks/${task.id}/complete`);
    expect(off.body).toMatchObject({ completed: false, completedAt: null });
    const onAgain = await call("PATCH", `/api/tasks/${task.id}/complete`);
    expect(onAgain.body.completed).toBe(true);
    expect((await call("GET", `/api/tasks/${task.id}`)).body).toEqual(onAgain.body);
  });

  it("filters by status and counts, also within a search", async () => {
    const titles = ["Buy milk", "buy bread", "Walk dog", "Call mum", "BUY stamps"];
    const tasks = await Promise.all(titles.map((title) => create({ title })));
    for (const task of tasks.slice(0, 2)) await call("PATCH", `/api/tasks/${task.id}/complete`);
    const ids = async (query: string) =>
      (await call<TaskPage>("GET", `/api/tasks?${query}`)).body.items.map((t) => t.title).sort();
    expect(await ids("status=completed")).toEqual(["Buy milk", "buy bread"]);
    expect(await ids("status=active")).toEqual(["BUY stamps", "Call mum", "Walk dog"]);
    expect(await ids("status=all")).toEqual([...titles].sort());
    expect(await ids("status=active&q=buy")).toEqual(["BUY stamps"]);
    const stats = async (query = "") => (await call<TaskStats>("GET", `/api/tasks/stats${query}`)).body;
    expect(await stats()).toEqual({ all: 5, active: 3, completed: 2 });
    expect(await stats("?q=BUY")).toEqual({ all: 3, active: 1, completed: 2 });
    expect(await stats("?q=")).toEqual({ all: 5, active: 3, completed: 2 });
    expect(await stats("?q=nothing")).toEqual({ all: 0, active: 0, completed: 0 });
    expect((await call<TaskStats>("GET", `/api/${user.id}/tasks/stats?q=dog`)).body).toEqual({
      all: 1,
      active: 1,
      completed: 0,
    });
  });

  it("searches titles and descriptions case-insensitively, beyond ASCII", async () => {
    await create({ title: "école du soir" });
    await create({ title: "GRANDE ÉCOLE" });
    await create({ title: "Ecole sans accent" });
    await create({ title: "Note", description: "Rendez-vous à l'École" });
    await create({ title: "Straße" });
    const titles = async (q: string) =>
      (await call<TaskPage>("GET", `/api/tasks?${new URLSearchParams({ q, sort: "title" })}`)).body.items.map(
        (t) => t.title,
      );
    // Title order is by code point of the lowercased title: "é" (U+00E9) comes after "n".
    const accented = ["GRANDE ÉCOLE", "Note", "école du soir"];
    expect(await titles("ÉCOLE")).toEqual(accented);
    expect(await titles("école")).toEqual(accented);
    expect(await titles("eCoLe")).toEqual(["Ecole sans accent"]);
    expect(await titles("STRASSE")).toEqual([]);
    expect(await titles("STRAẞE")).toEqual(["Straße"]);
    expect((await call<TaskStats>("GET", "/api/tasks/stats?q=%C3%89COLE")).body.all).toBe(3);
  });

  it("answers 405 with an Allow header to unsupported methods", async () => {
    const task = await create({ title: "x" });
    for (const [method, path, allow] of [
      ["POST", `/api/tasks/${task.id}`, "GET, PATCH, PUT, DELETE"],
      ["PUT", "/api/tasks", "GET, POST"],
      ["DELETE", "/api/tasks", "GET, POST"],
      ["POST", "/api/tasks/stats", "GET"],
      ["GET", `/api/tasks/${task.id}/complete`, "PATCH"],
      ["POST", `/api/${user.id}/tasks/${task.id}`, "GET, PATCH, PUT, DELETE"],
    ]) {
      const response = await call<Problem>(method as string, path as string);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe("METHOD_NOT_ALLOWED");
    }
    expect((await call("GET", `/api/tasks/${task.id}`)).body).toEqual(task);
  });

  it("answers an unknown /api route with a 404 problem", async () => {
    for (const path of ["/api/nope", "/api/tasks/a/b", `/api/${user.id}/tasks/a/b/c`, "/api"]) {
      const response = await call<Problem>("GET", path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: "NOT_FOUND", instance: path });
    }
  });
});
