import { uuidv7 } from "@tandem/db";
import { describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { comparableProblem, expectProblem } from "./support/problems.ts";
import { allRows, getTask, snapshot } from "./support/tasks.ts";
import { COMPAT_ROUTES, first, twoUsers } from "./support/two-users.ts";

describe.each(targets())("owner fields and compatibility paths across users ($label)", (target) => {
  const h = useApi(target);

  describe("owner fields in bodies", () => {
    const ownerFields = (bobId: string, bobTaskId: string): Record<string, unknown>[] => [
      { userId: bobId },
      { user_id: bobId },
      { ownerId: bobId },
      { owner: bobId },
      { user: { id: bobId } },
      { id: bobTaskId },
      { createdAt: "2020-01-01T00:00:00.000Z" },
      { updatedAt: "2020-01-01T00:00:00.000Z" },
      { completedAt: "2020-01-01T00:00:00.000Z" },
    ];

    it("POST with an owner or server field answers 400 VALIDATION_FAILED naming it and creates nothing", async () => {
      const { alice, bob, bobTasks } = await twoUsers(h);
      const rowsBefore = await allRows(h);
      for (const extra of ownerFields(bob.id, first(bobTasks).id)) {
        for (const path of ["/api/tasks", `/api/${alice.id}/tasks`]) {
          const response = await h.request("POST", path, {
            token: alice.token,
            body: { title: "mine", ...extra },
          });
          const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
          expect(problem.errors).toContainEqual({
            path: `body.${Object.keys(extra)[0]}`,
            message: "Unknown field",
          });
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("PATCH and PUT with an owner or server field answer 400 and change nothing, on own and foreign tasks", async () => {
      const { alice, bob, aliceTasks, bobTasks } = await twoUsers(h);
      const rowsBefore = await allRows(h);
      for (const extra of ownerFields(bob.id, first(bobTasks).id)) {
        for (const method of ["PATCH", "PUT"]) {
          for (const task of [first(aliceTasks), first(bobTasks)]) {
            const response = await h.request(method, `/api/tasks/${task.id}`, {
              token: alice.token,
              body: { title: "moved", ...extra },
            });
            await expectProblem(response, 400, "VALIDATION_FAILED");
          }
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });
  });

  describe("owner fields in query strings", () => {
    it("answers 400 on list and stats for every owner parameter and never returns Bob's rows", async () => {
      const { alice, bob, bobTasks } = await twoUsers(h);
      const names = ["userId", "user_id", "userid", "ownerId", "owner", "sub", "uid", "user%49d"];
      for (const name of names) {
        for (const path of ["/api/tasks", "/api/tasks/stats", `/api/${alice.id}/tasks`]) {
          const response = await h.request("GET", `${path}?${name}=${bob.id}`, { token: alice.token });
          const text = await response.clone().text();
          await expectProblem(response, 400, "VALIDATION_FAILED");
          for (const task of bobTasks) expect(text).not.toContain(task.id);
        }
      }
    });

    it("never lets a query parameter select Bob's task or data on item routes (404, Bob unchanged)", async () => {
      const { alice, bob, aliceTasks, bobTasks } = await twoUsers(h);
      const bobBefore = await snapshot(h, bob.token);
      const query = `?userId=${bob.id}&user_id=${bob.id}`;
      for (const method of ["GET", "DELETE"]) {
        const response = await h.request(method, `/api/tasks/${first(bobTasks).id}${query}`, {
          token: alice.token,
        });
        expect([400, 404]).toContain(response.status);
      }
      const patch = await h.request("PATCH", `/api/tasks/${first(bobTasks).id}${query}`, {
        token: alice.token,
        body: { title: "x" },
      });
      expect([400, 404]).toContain(patch.status);
      // On Alice's own task the parameter at most gets refused; it never swaps in Bob's task.
      const own = await h.request("GET", `/api/tasks/${first(aliceTasks).id}${query}`, {
        token: alice.token,
      });
      expect([200, 400]).toContain(own.status);
      if (own.status === 200)
        expect(await own.json()).toEqual(await getTask(h, alice.token, first(aliceTasks).id));
      // A create with an owner parameter is never Bob's.
      const created = await h.request("POST", `/api/tasks${query}`, {
        token: alice.token,
        body: { title: "planted" },
      });
      expect([201, 400]).toContain(created.status);
      expect(await snapshot(h, bob.token)).toEqual(bobBefore);
    });
  });

  describe("compatibility routes with another user's id in the path", () => {
    describe.each(COMPAT_ROUTES)("$name", (route) => {
      it("answers 403 FORBIDDEN, the same for a real and an unknown user id, and touches nothing", async () => {
        const { alice, bob, aliceTasks, bobTasks } = await twoUsers(h);
        const rowsBefore = await allRows(h);
        const options = { token: alice.token, ...(route.body ? { body: route.body } : {}) };
        const answers: Response[] = [];
        // Bob's id with Bob's task, Bob's id with Alice's own task, and a user that does not exist.
        for (const [userId, taskId] of [
          [bob.id, first(bobTasks).id],
          [bob.id, first(aliceTasks).id],
          [uuidv7(), first(bobTasks).id],
        ] as const) {
          answers.push(await h.request(route.method, route.path(userId, taskId), options));
        }
        const problems = [];
        for (const response of answers) {
          const text = await response.clone().text();
          for (const task of [...bobTasks, ...aliceTasks]) expect(text).not.toContain(task.title);
          problems.push(comparableProblem(await expectProblem(response, 403, "FORBIDDEN")));
        }
        expect(problems[1]).toEqual(problems[0]);
        expect(problems[2]).toEqual(problems[0]);
        expect(await allRows(h)).toEqual(rowsBefore);
      });
    });

    it("answers 403 before looking at the body: an invalid or non-JSON body still gets 403", async () => {
      const { alice, bob, bobTasks } = await twoUsers(h);
      const rowsBefore = await allRows(h);
      const post = await h.request("POST", `/api/${bob.id}/tasks`, {
        token: alice.token,
        body: { title: 7 },
      });
      await expectProblem(post, 403, "FORBIDDEN");
      const put = await h.request("PUT", `/api/${bob.id}/tasks/${first(bobTasks).id}`, {
        token: alice.token,
        body: "not json",
        headers: { "content-type": "text/plain" },
      });
      await expectProblem(put, 403, "FORBIDDEN");
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("answers 403 or 404, never 500, for odd user ids in the path, and touches nothing", async () => {
      const { alice, aliceTasks } = await twoUsers(h);
      const rowsBefore = await allRows(h);
      const odd = [
        "..",
        "%2e%2e",
        "a%2Fb",
        `${alice.id}%2F..`,
        `..%2F${alice.id}`,
        `${alice.id}%20`,
        `%20${alice.id}`,
        `${alice.id}%00`,
        "%00",
        "%zz",
        "%",
        "x".repeat(10_000),
        encodeURIComponent("'; DROP TABLE task; --"),
        "%E2%80%AE",
        "%ED%A0%80",
      ];
      for (const userId of odd) {
        for (const route of COMPAT_ROUTES) {
          const options = { token: alice.token, ...(route.body ? { body: route.body } : {}) };
          const response = await h.request(route.method, route.path(userId, first(aliceTasks).id), options);
          const text = await response.clone().text();
          expect([403, 404], `${route.method} ${userId.slice(0, 40)}: ${text}`).toContain(response.status);
          expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(text).not.toContain(first(aliceTasks).title);
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });
  });
});
