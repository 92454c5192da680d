import { type Task, TaskSchema } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { expectProblem } from "./support/problems.ts";
import { allRows, createTask, getTask, writeTargets } from "./support/tasks.ts";

// The fields of a well-formed JSON body: strict schemas, no coercion, required fields, dates and
// prototype-pollution keys. Text rules (length, Unicode, control characters) are in
// tasks.validation-text.test.ts.

type Body = Record<string, unknown>;

describe.each(targets())("task body fields ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  let task: Task;
  beforeEach(async () => {
    user = await h.signUp();
    task = await createTask(h, user.token, {
      title: "Existing",
      description: "kept",
      priority: "high",
      dueAt: "2030-06-01T12:00:00Z",
    });
  });

  /** Sends the body to every write route; each must answer 400 VALIDATION_FAILED naming `path`. */
  async function expectRefused(body: Body | string, path: string): Promise<void> {
    const rowsBefore = await allRows(h);
    for (const target of writeTargets(user.id, task.id)) {
      const response = await h.request(target.method, target.path, { token: user.token, body });
      const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
      expect(
        problem.errors?.map((e) => e.path),
        `${target.method} ${target.path}`,
      ).toContain(path);
      for (const error of problem.errors ?? []) expect(error.message).not.toBe("");
    }
    expect(await allRows(h)).toEqual(rowsBefore);
  }

  /** Each body must be refused on every write route, naming `body.<field>`; nothing changes. */
  async function expectEachRefused(field: string, bodies: Body[]): Promise<void> {
    for (const body of bodies) {
      // Every write route needs a title; give a valid one unless the title itself is under test.
      await expectRefused(field === "title" ? body : { title: "valid", ...body }, `body.${field}`);
    }
  }

  describe("unknown and owner fields", () => {
    async function expectUnknown(fields: string[]): Promise<void> {
      const rowsBefore = await allRows(h);
      for (const field of fields) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await h.request(target.method, target.path, {
            token: user.token,
            body: { title: "valid", [field]: "x" },
          });
          expect(response.status, `${field}: ${target.method} ${target.path}`).toBe(400);
          const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
          expect(problem.errors).toEqual([{ path: `body.${field}`, message: "Unknown field" }]);
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    }

    it("owner fields (userId, user_id, ownerId, owner) answer 400 VALIDATION_FAILED with errors [{ path, message: Unknown field }]", async () => {
      await expectUnknown(["userId", "user_id", "ownerId", "owner"]);
    });

    it("server-set fields (id, createdAt, updatedAt, completedAt) answer 400 VALIDATION_FAILED naming them", async () => {
      await expectUnknown(["id", "createdAt", "updatedAt", "completedAt"]);
    });

    it("unknown or misspelled fields (foo, Title) answer 400 VALIDATION_FAILED naming them", async () => {
      await expectUnknown(["foo", "Title"]);
    });
  });

  describe("no type coercion", () => {
    it('completed as "true", "false", 1, 0, null or [true] answers 400 and changes nothing', async () => {
      await expectEachRefused("completed", [
        { completed: "true" },
        { completed: "false" },
        { completed: 1 },
        { completed: 0 },
        { completed: null },
        { completed: [true] },
      ]);
    });

    it('priority as 2, "HIGH", "urgent", " high", "" or null answers 400 and changes nothing', async () => {
      await expectEachRefused("priority", [
        { priority: 2 },
        { priority: "HIGH" },
        { priority: "urgent" },
        { priority: " high" },
        { priority: "" },
        { priority: null },
      ]);
    });

    it("title as a number, array, object, null or boolean answers 400 and changes nothing", async () => {
      await expectEachRefused("title", [
        { title: 42 },
        { title: ["x"] },
        { title: { text: "x" } },
        { title: null },
        { title: true },
      ]);
    });

    it("description as a number, array, object or boolean answers 400 and changes nothing", async () => {
      await expectEachRefused("description", [
        { description: 5 },
        { description: ["x"] },
        { description: { text: "x" } },
        { description: false },
      ]);
    });

    it("dueAt as epoch millis, a bare date, a local time, free text, empty, boolean or object answers 400", async () => {
      await expectEachRefused("dueAt", [
        { dueAt: 1_893_456_000_000 },
        { dueAt: "2030-01-01" },
        { dueAt: "2030-01-01T00:00:00" },
        { dueAt: "2030-01-01 00:00:00Z" },
        { dueAt: "tomorrow" },
        { dueAt: "" },
        { dueAt: true },
        { dueAt: { at: "2030-01-01T00:00:00Z" } },
      ]);
    });
  });

  describe("dates", () => {
    it("impossible instants (Feb 30, Feb 29 of a common year, month 13, 24:00, minute 60, offset +24:00) answer 400", async () => {
      await expectEachRefused(
        "dueAt",
        [
          "2030-02-30T00:00:00Z",
          "2031-02-29T00:00:00Z",
          "2030-13-01T00:00:00Z",
          "2030-01-01T24:00:00Z",
          "2030-01-01T00:60:00Z",
          "2030-01-01T00:00:00+24:00",
        ].map((dueAt) => ({ dueAt })),
      );
    });

    it("instants outside the years 0001-9999 in UTC answer 400, not 500", async () => {
      await expectEachRefused(
        "dueAt",
        ["0000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:00:00-05:00"].map((dueAt) => ({
          dueAt,
        })),
      );
    });

    it("instants at the edges of the range and with offsets are accepted and returned in UTC", async () => {
      for (const [dueAt, expected] of [
        ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
        ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
        ["2030-01-01T10:00:00+02:00", "2030-01-01T08:00:00.000Z"],
        ["2030-01-01T00:00:00-05:30", "2030-01-01T05:30:00.000Z"],
      ]) {
        const created = await createTask(h, user.token, { title: "dated", dueAt });
        expect(created.dueAt, dueAt).toBe(expected);
        expect((await getTask(h, user.token, created.id)).dueAt, dueAt).toBe(expected);
      }
    });
  });

  describe("required fields", () => {
    it("PATCH with {} answers 400 VALIDATION_FAILED and changes nothing", async () => {
      const rowsBefore = await allRows(h);
      for (const path of [`/api/tasks/${task.id}`, `/api/${user.id}/tasks/${task.id}`]) {
        const response = await h.request("PATCH", path, { token: user.token, body: {} });
        const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
        expect(problem.errors?.length).toBeGreaterThan(0);
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("PUT and POST without a title ({}, only a description, every other field) answer 400 naming body.title", async () => {
      const rowsBefore = await allRows(h);
      const bodies: Body[] = [
        {},
        { description: "no title" },
        { description: "d", completed: true, priority: "low", dueAt: null },
      ];
      for (const body of bodies) {
        for (const target of writeTargets(user.id, task.id).filter((t) => t.method !== "PATCH")) {
          const response = await h.request(target.method, target.path, { token: user.token, body });
          expect(response.status, `${JSON.stringify(body)}: ${target.method} ${target.path}`).toBe(400);
          const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
          expect(problem.errors).toContainEqual({ path: "body.title", message: "Required" });
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("PATCH with only a null description is a valid change (200) that clears it", async () => {
      const response = await h.request("PATCH", `/api/tasks/${task.id}`, {
        token: user.token,
        body: { description: null },
      });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(TaskSchema.parse(await response.json()).description).toBeNull();
    });

    it("reports every invalid field at once", async () => {
      const response = await h.request("POST", "/api/tasks", {
        token: user.token,
        body: { title: 1, completed: "yes", priority: 3, extra: true },
      });
      const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
      expect(problem.errors?.map((e) => e.path).sort()).toEqual(
        ["body.completed", "body.extra", "body.priority", "body.title"].sort(),
      );
    });
  });

  describe("prototype-pollution keys", () => {
    it("bodies with __proto__, constructor or prototype keys answer 400 naming the key and pollute nothing", async () => {
      const bodies: [string, string][] = [
        ["__proto__", '{"title":"x","__proto__":{"polluted":true,"userId":"someone"}}'],
        ["__proto__", '{"__proto__":{"title":"inherited"}}'],
        ["__proto__", '{"title":"x","__proto__":null}'],
        ["constructor", '{"title":"x","constructor":{"prototype":{"polluted":true}}}'],
        ["prototype", '{"title":"x","prototype":{"polluted":true}}'],
      ];
      const rowsBefore = await allRows(h);
      for (const [key, body] of bodies) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await h.request(target.method, target.path, { token: user.token, body });
          expect(response.status, `${body}: ${target.method} ${target.path}`).toBe(400);
          const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
          expect(problem.errors).toContainEqual({ path: `body.${key}`, message: "Unknown field" });
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
      expect(Object.prototype).not.toHaveProperty("polluted");
      expect(Object.prototype).not.toHaveProperty("userId");
      expect(({} as Record<string, unknown>)["title"]).toBeUndefined();
      // The API still works afterwards, and a new task has exactly the usual fields.
      const after = await createTask(h, user.token, { title: "after" });
      expect(Object.keys(after).sort()).toEqual(Object.keys(task).sort());
    });
  });
});
