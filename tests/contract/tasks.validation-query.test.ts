import { TaskPageSchema } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { expectProblem } from "./support/problems.ts";
import { createTask } from "./support/tasks.ts";

// Query strings of the list and stats routes: unknown, repeated and malformed parameters, and
// the page-size rules.

describe.each(targets())("task query strings ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  beforeEach(async () => {
    user = await h.signUp();
    await createTask(h, user.token, { title: "One" });
  });

  /** Every list route (both mounts) must answer 400 VALIDATION_FAILED naming `path`. */
  async function expectListRefused(query: string, path: string): Promise<void> {
    for (const base of ["/api/tasks", `/api/${user.id}/tasks`]) {
      const response = await h.request("GET", `${base}?${query}`, { token: user.token });
      const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
      expect(
        problem.errors?.map((e) => e.path),
        `${base}?${query}`,
      ).toContain(path);
    }
  }

  async function listStatus(query: string): Promise<number> {
    const response = await h.request("GET", `/api/tasks?${query}`, { token: user.token });
    return response.status;
  }

  async function expectEachRefused(cases: [query: string, path: string][]): Promise<void> {
    for (const [query, path] of cases) await expectListRefused(query, path);
  }

  it("unknown parameters (owner ids, misspellings, array syntax, paging words) answer 400 naming them", async () => {
    await expectEachRefused([
      ["userId=x", "query.userId"],
      ["user_id=x", "query.user_id"],
      ["userId", "query.userId"],
      ["foo=1", "query.foo"],
      ["Status=active", "query.Status"],
      ["status%5B%5D=all", "query.status[]"],
      ["page=2", "query.page"],
      ["offset=10", "query.offset"],
    ]);
  });

  it("prototype keys (__proto__, constructor, prototype, Object methods) answer 400 naming them and pollute nothing", async () => {
    const cases: [string, string][] = [
      ["__proto__=x", "query.__proto__"],
      ["__proto__[polluted]=1", "query.__proto__[polluted]"],
      ["constructor=x", "query.constructor"],
      ["constructor[prototype][polluted]=1", "query.constructor[prototype][polluted]"],
      ["prototype=x", "query.prototype"],
      ["hasOwnProperty=x", "query.hasOwnProperty"],
      ["toString=x", "query.toString"],
    ];
    await expectEachRefused(cases);
    for (const [query, path] of cases) {
      const stats = await h.request("GET", `/api/tasks/stats?${query}`, { token: user.token });
      const problem = await expectProblem(stats, 400, "VALIDATION_FAILED");
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(await listStatus("")).toBe(200);
  });

  it("a repeated parameter (status, q, limit, sort) answers 400 naming it", async () => {
    await expectEachRefused([
      ["status=all&status=active", "query.status"],
      ["status=all&status=all", "query.status"],
      ["q=a&q=b", "query.q"],
      ["limit=1&limit=1", "query.limit"],
      ["sort=title&sort=due", "query.sort"],
    ]);
  });

  it("an invalid status, sort or order (unknown, wrong case, padded, empty) answers 400 naming it", async () => {
    await expectEachRefused(
      [
        "status=done",
        "status=ALL",
        "status=",
        "status=all%20",
        "sort=name",
        "sort=Created",
        "sort=",
        "order=up",
        "order=ASC",
        "order=",
      ].map((query): [string, string] => [query, `query.${query.split("=")[0] ?? ""}`]),
    );
  });

  it("every valid status, sort and order is accepted (200)", async () => {
    for (const status of ["all", "active", "completed"]) {
      for (const sort of ["created", "due", "priority", "title"]) {
        for (const order of ["asc", "desc", undefined]) {
          const query = `status=${status}&sort=${sort}${order ? `&order=${order}` : ""}`;
          expect(await listStatus(query), query).toBe(200);
        }
      }
    }
  });

  it("limit=0, abc, 1e2, -1, 1.5, padded, signed, hex, empty, 7 digits, Infinity, NaN or full-width digits answers 400", async () => {
    const limits = [
      "0",
      "abc",
      "1e2",
      "-1",
      "1.5",
      "%205",
      "+5",
      "0x10",
      "",
      "1000000",
      "Infinity",
      "NaN",
      "１０",
    ];
    await expectEachRefused(limits.map((limit): [string, string] => [`limit=${limit}`, "query.limit"]));
  });

  it("limit=500 is clamped to 100 items; limit=1 gives 1 and limit=100 gives 100", async () => {
    for (let i = 0; i < 101; i++) await createTask(h, user.token, { title: `Task ${i}` });
    for (const [limit, expected] of [
      ["500", 100],
      ["999999", 100],
      ["100", 100],
      ["1", 1],
      ["007", 7],
    ] as const) {
      const response = await h.request("GET", `/api/tasks?limit=${limit}`, { token: user.token });
      expect(response.status).toBe(200);
      const page = TaskPageSchema.parse(await response.json());
      expect(page.items, `limit=${limit}`).toHaveLength(expected);
      expect(page.nextCursor).not.toBeNull();
    }
  });

  it("a search over 200 characters or with NUL, a control character or a line break answers 400 naming query.q", async () => {
    for (const query of [`q=${"a".repeat(201)}`, "q=a%00b", "q=a%1Bb", "q=a%0Ab"]) {
      await expectListRefused(query, "query.q");
      const stats = await h.request("GET", `/api/tasks/stats?${query}`, { token: user.token });
      const problem = await expectProblem(stats, 400, "VALIDATION_FAILED");
      expect(problem.errors?.map((e) => e.path)).toContain("query.q");
    }
  });

  it("an empty search (q=) lists everything", async () => {
    const response = await h.request("GET", "/api/tasks?q=", { token: user.token });
    expect(TaskPageSchema.parse(await response.json()).items).toHaveLength(1);
  });

  it("stats refuses parameters it does not take (userId, status, limit) and repeated ones with 400", async () => {
    for (const query of ["userId=x", "status=active", "limit=1", "q=a&q=b"]) {
      const response = await h.request("GET", `/api/tasks/stats?${query}`, { token: user.token });
      await expectProblem(response, 400, "VALIDATION_FAILED");
    }
  });
});
