import { testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../test/api-harness.ts";

describe.each(testDialects())("smoke (%s)", (dialect) => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await createApiHarness(dialect);
  });
  afterEach(() => h.close());

  it("creates, lists, toggles and deletes", async () => {
    const user = await h.signUp("Ada");
    const me = await h.request("GET", "/api/me", { token: user.token });
    expect(await me.json()).toEqual({ id: user.id, name: "Ada" });
    const created = await h.request("POST", "/api/tasks", { token: user.token, body: { title: "  Buy milk  ", dueAt: "2030-01-01T10:00:00+02:00" } });
    expect(created.status).toBe(201);
    const task = await created.json();
    expect(task.title).toBe("Buy milk");
    expect(task.dueAt).toBe("2030-01-01T08:00:00.000Z");
    expect(created.headers.get("location")).toBe(`/api/tasks/${task.id}`);
    for (const sort of ["created", "due", "priority", "title"]) {
      const list = await h.request("GET", `/api/tasks?sort=${sort}`, { token: user.token });
      expect(list.status, await list.clone().text()).toBe(200);
    }
    const toggled = await h.request("PATCH", `/api/${user.id}/tasks/${task.id}/complete`, { token: user.token });
    expect(toggled.status, await toggled.clone().text()).toBe(200);
    expect((await toggled.json()).completed).toBe(true);
    const stats = await h.request("GET", "/api/tasks/stats", { token: user.token });
    expect(await stats.json()).toEqual({ all: 1, active: 0, completed: 1 });
    const put = await h.request("PUT", `/api/tasks/${task.id}`, { token: user.token, body: { title: "x" } });
    expect(put.status, await put.clone().text()).toBe(200);
    const del = await h.request("DELETE", `/api/tasks/${task.id}`, { token: user.token });
    expect(del.status).toBe(204);
  });
});
