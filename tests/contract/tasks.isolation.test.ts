import { TaskPageSchema } from "@tandem/contracts";
import { uuidv7 } from "@tandem/db";
import { describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { comparableHeaders, comparableProblem, expectProblem } from "./support/problems.ts";
import { allRows, createTask, listTasks, snapshot, taskStats } from "./support/tasks.ts";
import { first, ITEM_ROUTES, twoUsers } from "./support/two-users.ts";

describe.each(targets())("task isolation between users ($label)", (target) => {
  const h = useApi(target);

  describe.each(ITEM_ROUTES)("$name", (route) => {
    it("answers 404 for another user's task, exactly as for a missing one, and changes nothing", async () => {
      const { alice, bob, bobTasks } = await twoUsers(h);
      const bobBefore = await snapshot(h, bob.token);
      const aliceBefore = await snapshot(h, alice.token);
      const rowsBefore = await allRows(h);

      const options = { token: alice.token, ...(route.body ? { body: route.body } : {}) };
      const foreign = await h.request(route.method, route.path(alice.id, first(bobTasks).id), options);
      const missing = await h.request(route.method, route.path(alice.id, uuidv7()), options);

      const foreignHeaders = comparableHeaders(foreign);
      const missingHeaders = comparableHeaders(missing);
      const foreignProblem = await expectProblem(foreign, 404, "TASK_NOT_FOUND");
      const missingProblem = await expectProblem(missing, 404, "TASK_NOT_FOUND");
      expect(comparableProblem(foreignProblem)).toEqual(comparableProblem(missingProblem));
      expect(foreignHeaders).toEqual(missingHeaders);

      expect(await snapshot(h, bob.token)).toEqual(bobBefore);
      expect(await snapshot(h, alice.token)).toEqual(aliceBefore);
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    // Found by the black-box suite: a NUL in the id reached Postgres as a text parameter → 500.
    it("answers 404 for an id that cannot be a task (NUL, traversal, SQL, wildcard, 2 KB), never 500", async () => {
      const { alice } = await twoUsers(h);
      const rowsBefore = await allRows(h);
      const options = { token: alice.token, ...(route.body ? { body: route.body } : {}) };
      for (const id of [
        "%00",
        "a%00b",
        "..%2F..%2Fetc",
        "%27%20OR%20%271%27%3D%271",
        "%25",
        "x".repeat(2048),
      ]) {
        const response = await h.request(route.method, route.path(alice.id, id), options);
        await expectProblem(response, 404, "TASK_NOT_FOUND");
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });
  });

  it("answers a bad body on another user's task exactly as on a missing one (400, nothing changed)", async () => {
    const { alice, bob, bobTasks } = await twoUsers(h);
    const bobBefore = await snapshot(h, bob.token);
    for (const method of ["PATCH", "PUT"]) {
      const foreign = await h.request(method, `/api/tasks/${first(bobTasks).id}`, {
        token: alice.token,
        body: { title: 42 },
      });
      const missing = await h.request(method, `/api/tasks/${uuidv7()}`, {
        token: alice.token,
        body: { title: 42 },
      });
      const a = await expectProblem(foreign, 400, "VALIDATION_FAILED");
      const b = await expectProblem(missing, 400, "VALIDATION_FAILED");
      expect(comparableProblem(a)).toEqual(comparableProblem(b));
    }
    expect(await snapshot(h, bob.token)).toEqual(bobBefore);
  });

  it("answers a wrong method on another user's task exactly as on a missing one (405)", async () => {
    const { alice, bobTasks } = await twoUsers(h);
    const foreign = await h.request("POST", `/api/tasks/${first(bobTasks).id}`, {
      token: alice.token,
      body: {},
    });
    const missing = await h.request("POST", `/api/tasks/${uuidv7()}`, { token: alice.token, body: {} });
    const foreignHeaders = comparableHeaders(foreign);
    const a = await expectProblem(foreign, 405, "METHOD_NOT_ALLOWED");
    const b = await expectProblem(missing, 405, "METHOD_NOT_ALLOWED");
    expect(comparableProblem(a)).toEqual(comparableProblem(b));
    expect(foreignHeaders).toEqual(comparableHeaders(missing));
  });

  it("answers 404 for ids that look like SQL wildcards or injections, never another user's task", async () => {
    const { alice, bob } = await twoUsers(h);
    const bobBefore = await snapshot(h, bob.token);
    const ids = ["%25", "_", "*", "%27%20OR%20%271%27%3D%271", "1%20OR%201%3D1", encodeURIComponent(bob.id)];
    for (const id of ids) {
      for (const method of ["GET", "DELETE"]) {
        await expectProblem(
          await h.request(method, `/api/tasks/${id}`, { token: alice.token }),
          404,
          "TASK_NOT_FOUND",
        );
      }
      const patch = await h.request("PATCH", `/api/tasks/${id}`, {
        token: alice.token,
        body: { title: "x" },
      });
      await expectProblem(patch, 404, "TASK_NOT_FOUND");
    }
    expect(await snapshot(h, bob.token)).toEqual(bobBefore);
  });

  it("lists, counts and searches only the caller's own tasks, for every filter, sort, order and page", async () => {
    const { alice, bob, aliceTasks, bobTasks } = await twoUsers(h);
    const carol = await h.signUp("Carol");
    const carolTasks = [await createTask(h, carol.token, { title: "Carol shared word" })];
    const owned = new Map([
      [alice, aliceTasks],
      [bob, bobTasks],
      [carol, carolTasks],
    ]);
    for (const [user, tasks] of owned) {
      const own = new Set(tasks.map((t) => t.id));
      for (const query of [
        "",
        "status=active",
        "status=completed",
        "q=shared",
        "q=word",
        "q=Bob",
        "q=private",
      ]) {
        for (const sort of ["created", "due", "priority", "title"]) {
          for (const order of ["asc", "desc"]) {
            const base = `${query === "" ? "" : `${query}&`}sort=${sort}&order=${order}`;
            for (const task of await listTasks(h, user.token, base)) expect(own.has(task.id)).toBe(true);
            // One row per page, following nextCursor to the end.
            const seen: string[] = [];
            let cursor: string | null = "";
            while (cursor !== null) {
              const suffix: string = cursor === "" ? "" : `&cursor=${encodeURIComponent(cursor)}`;
              const response = await h.request("GET", `/api/tasks?${base}&limit=1${suffix}`, {
                token: user.token,
              });
              const page = TaskPageSchema.parse(await response.json());
              seen.push(...page.items.map((t) => t.id));
              cursor = page.nextCursor;
            }
            for (const id of seen) expect(own.has(id)).toBe(true);
          }
        }
      }
      expect(new Set((await listTasks(h, user.token)).map((t) => t.id))).toEqual(own);
      const compat = await h.request("GET", `/api/${user.id}/tasks?limit=100`, { token: user.token });
      const compatPage = TaskPageSchema.parse(await compat.json());
      expect(new Set(compatPage.items.map((t) => t.id))).toEqual(own);
      const completed = tasks.filter((t) => t.completed).length;
      expect(await taskStats(h, user.token)).toEqual({
        all: tasks.length,
        active: tasks.length - completed,
        completed,
      });
    }
    // Bob's words are his alone: Alice's search for them finds nothing and counts nothing.
    expect(await listTasks(h, alice.token, "q=secret")).toEqual([]);
    expect(await listTasks(h, alice.token, "q=private")).toEqual([]);
    const stats = await h.request("GET", "/api/tasks/stats?q=secret", { token: alice.token });
    expect(await stats.json()).toEqual({ all: 0, active: 0, completed: 0 });
  });

  it("ignores owner-looking request headers: the token's user is the only owner", async () => {
    const { alice, bob, aliceTasks, bobTasks } = await twoUsers(h);
    const headers = { "x-user-id": bob.id, "x-forwarded-user": bob.id, "x-owner-id": bob.id };
    const list = await h.request("GET", "/api/tasks?limit=100", { token: alice.token, headers });
    const page = TaskPageSchema.parse(await list.json());
    expect(page.items.map((t) => t.id).sort()).toEqual(aliceTasks.map((t) => t.id).sort());
    const get = await h.request("GET", `/api/tasks/${first(bobTasks).id}`, { token: alice.token, headers });
    await expectProblem(get, 404, "TASK_NOT_FOUND");
    const me = await h.request("GET", "/api/me", { token: alice.token, headers });
    expect(await me.json()).toMatchObject({ id: alice.id, name: "Alice" });
  });
});
