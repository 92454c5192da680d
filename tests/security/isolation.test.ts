// Requirements group 4: authorization and isolation between users — against the running API with
// real tokens from the running web app.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";
import { aliceAndBobsTask, expectTaskUntouched, type Task } from "./lib/two-users.ts";

describe.each(targets())("4. isolation ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let bob: Account;
  let bobTask: Task;
  beforeAll(async () => {
    ({ alice, bob, bobTask } = await aliceAndBobsTask(s()));
  });
  const asAlice = (path: string, init: Parameters<ReturnType<typeof s>["api"]>[1] = {}) =>
    s().api(path, { token: alice.token, ...init });
  const expectBobTaskUntouched = () => expectTaskUntouched(s(), bob, bobTask);
  /** A 404 body, without the fields that differ per request. */
  function notFoundShape(response: HttpResponse) {
    const { requestId: _r, instance: _i, ...rest } = expectProblem(response, 404, "TASK_NOT_FOUND");
    return rest;
  }

  attack(
    "Alice reads, patches, replaces, toggles and deletes Bob's task by id",
    "404 TASK_NOT_FOUND for every method, identical to a missing id; Bob's task unchanged",
    async () => {
      const missing = randomUUID();
      const requests: [string, string, unknown?][] = [
        ["GET", ""],
        ["PATCH", "", { title: "pwned" }],
        ["PUT", "", { title: "pwned", completed: true }],
        ["PATCH", "/complete"],
        ["DELETE", ""],
      ];
      for (const [method, suffix, json] of requests) {
        const theirs = await asAlice(`/api/tasks/${bobTask.id}${suffix}`, { method, json });
        const none = await asAlice(`/api/tasks/${missing}${suffix}`, { method, json });
        expect(notFoundShape(theirs), `${method} ${suffix}`).toEqual(notFoundShape(none));
      }
      await expectBobTaskUntouched();
    },
  );

  attack(
    "Alice lists, searches and counts tasks",
    "only her own rows: Bob's task never appears",
    async () => {
      await asAlice("/api/tasks", { json: { title: "Alice's plan" } });
      for (const path of [
        "/api/tasks",
        "/api/tasks?q=plan",
        "/api/tasks?status=all&limit=100",
        "/api/tasks?sort=title",
      ]) {
        const response = await asAlice(path);
        expect(response.status).toBe(200);
        const { items } = response.json<{ items: Task[] }>();
        expect(items.map((t) => t.title)).toEqual(["Alice's plan"]);
      }
      expect((await asAlice("/api/tasks/stats")).json()).toEqual({ all: 1, active: 1, completed: 0 });
    },
  );

  attack(
    "owner fields in a create, patch or replace body (userId, user_id, owner, …)",
    "400 VALIDATION_FAILED; nothing created or changed for Bob",
    async () => {
      for (const field of ["userId", "user_id", "owner", "ownerId", "id", "createdBy"]) {
        expectProblem(
          await asAlice("/api/tasks", { json: { title: "mine?", [field]: bob.id } }),
          400,
          "VALIDATION_FAILED",
        );
        const own = (await asAlice("/api/tasks", { json: { title: `own ${field}` } })).json<Task>();
        expectProblem(
          await asAlice(`/api/tasks/${own.id}`, { method: "PATCH", json: { [field]: bob.id } }),
          400,
          "VALIDATION_FAILED",
        );
        expectProblem(
          await asAlice(`/api/tasks/${own.id}`, { method: "PUT", json: { title: "x", [field]: bob.id } }),
          400,
          "VALIDATION_FAILED",
        );
      }
      const bobs = (await s().api("/api/tasks?limit=100", { token: bob.token })).json<{ items: Task[] }>();
      expect(bobs.items).toEqual([bobTask]);
    },
  );

  attack(
    "owner fields in the query string (userId, user_id, owner)",
    "400 VALIDATION_FAILED, never Bob's rows",
    async () => {
      for (const query of [
        `userId=${bob.id}`,
        `user_id=${bob.id}`,
        `owner=${bob.id}`,
        `__proto__[userId]=${bob.id}`,
      ]) {
        expectProblem(await asAlice(`/api/tasks?${query}`), 400, "VALIDATION_FAILED");
        expectProblem(await asAlice(`/api/tasks/stats?${query}`), 400, "VALIDATION_FAILED");
      }
    },
  );

  attack(
    "Bob's user id in the /api/{user_id}/tasks path, for every method",
    "403 FORBIDDEN; nothing read or touched",
    async () => {
      const base = `/api/${bob.id}/tasks`;
      const requests: [string, string, unknown?][] = [
        ["GET", base],
        ["POST", base, { title: "planted" }],
        ["GET", `${base}/${bobTask.id}`],
        ["PUT", `${base}/${bobTask.id}`, { title: "pwned" }],
        ["DELETE", `${base}/${bobTask.id}`],
        ["PATCH", `${base}/${bobTask.id}/complete`],
      ];
      for (const [method, path, json] of requests) {
        const response = await asAlice(path, { method, json });
        expectProblem(response, 403, "FORBIDDEN");
        expect(response.text).not.toContain("Bob's plan");
      }
      await expectBobTaskUntouched();
      const bobs = (await s().api("/api/tasks", { token: bob.token })).json<{ items: Task[] }>();
      expect(bobs.items.map((t) => t.title)).toEqual(["Bob's plan"]);
    },
  );

  attack("Alice's own user id in the path with Bob's task id", "404 TASK_NOT_FOUND", async () => {
    notFoundShape(await asAlice(`/api/${alice.id}/tasks/${bobTask.id}`));
    notFoundShape(await asAlice(`/api/${alice.id}/tasks/${bobTask.id}`, { method: "DELETE" }));
    await expectBobTaskUntouched();
  });

  attack(
    "hostile task ids (NUL, traversal, SQL, wildcards, 2 KB) for every method",
    "404 TASK_NOT_FOUND, never 500 and never Bob's task",
    async () => {
      const hostile = [
        "%00",
        "a%00b",
        "..%2F..%2Fetc%2Fpasswd",
        "%27%20OR%20%271%27%3D%271",
        "%25",
        "*",
        "x".repeat(2000),
      ];
      const requests: [string, string, unknown?][] = [
        ["GET", ""],
        ["PATCH", "", { title: "x" }],
        ["PUT", "", { title: "x" }],
        ["DELETE", ""],
        ["PATCH", "/complete"],
      ];
      for (const id of hostile) {
        for (const [method, suffix, json] of requests) {
          notFoundShape(await asAlice(`/api/tasks/${id}${suffix}`, { method, json }));
        }
      }
      await expectBobTaskUntouched();
    },
  );
});
