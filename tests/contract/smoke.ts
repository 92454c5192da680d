// The contract suite's smoke set: the few cases that show a task API is wired up end to end
// (tokens verified, tasks stored per owner, errors as problem+json). The contract suite runs them
// against every backend (smoke.test.ts); the topology suite runs them through the load balancer
// (tests/topology/smoke.test.ts), so they need nothing but HTTP: no database, no auth server.
import { type Task, TaskPageSchema, TaskSchema } from "@tandem/contracts";
import { expect, it } from "vitest";
import { expectProblem, expectUnauthenticated } from "./support/problems.ts";
import type { Api } from "./support/server.ts";

/** What the smoke cases use of an API under test: its URL, requests, and users with tokens. */
export type SmokeApi = Pick<Api, "url" | "request" | "signUp">;

/**
 * Registers the smoke cases in the enclosing `describe`. `api` is read inside the tests only, so a
 * lazily started one (useApi, useTopology) works.
 *
 * @example
 * describe.each(targets())("smoke ($label)", (target) => smokeCases(useApi(target)));
 */
export function smokeCases(api: SmokeApi): void {
  async function json<T>(response: Response, status: number): Promise<T> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    return JSON.parse(text) as T;
  }

  it("creates, lists, reads, patches and deletes a task", async () => {
    const { token } = await api.signUp("Smoke");
    const created = TaskSchema.parse(
      await json(await api.request("POST", "/api/tasks", { token, body: { title: "Smoke test" } }), 201),
    );
    expect(created).toMatchObject({ title: "Smoke test", completed: false });

    const page = TaskPageSchema.parse(await json(await api.request("GET", "/api/tasks", { token }), 200));
    expect(page.items.map((task) => task.id)).toEqual([created.id]);
    expect(await json(await api.request("GET", `/api/tasks/${created.id}`, { token }), 200)).toEqual(created);

    const path = `/api/tasks/${created.id}`;
    const patched = await json<Task>(
      await api.request("PATCH", path, { token, body: { completed: true } }),
      200,
    );
    expect(patched).toMatchObject({ id: created.id, completed: true, title: "Smoke test" });

    const deleted = await api.request("DELETE", path, { token });
    expect(deleted.status).toBe(204);
    await expectProblem(await api.request("GET", path, { token }), 404, "TASK_NOT_FOUND");
  });

  it("answers another user's task exactly as a missing one: 404", async () => {
    const [owner, other] = [await api.signUp("Owner"), await api.signUp("Other")];
    const task = await json<Task>(
      await api.request("POST", "/api/tasks", { token: owner.token, body: { title: "Mine" } }),
      201,
    );
    for (const [method, body] of [["GET"], ["PATCH", { title: "Stolen" }], ["DELETE"]] as const) {
      const response = await api.request(method, `/api/tasks/${task.id}`, { token: other.token, body });
      await expectProblem(response, 404, "TASK_NOT_FOUND");
    }
    const still = await json<Task>(
      await api.request("GET", `/api/tasks/${task.id}`, { token: owner.token }),
      200,
    );
    expect(still.title).toBe("Mine");
  });

  it("refuses a request without a token: 401 problem+json with a Bearer challenge", async () => {
    await expectUnauthenticated(await api.request("GET", "/api/tasks"));
  });

  it("refuses an invalid body: 400 problem+json naming the field", async () => {
    const { token } = await api.signUp("Invalid");
    const response = await api.request("POST", "/api/tasks", { token, body: { title: "" } });
    const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
    expect(JSON.stringify(problem)).toContain("title");
  });

  it("answers an unknown route with 404 problem+json", async () => {
    const { token } = await api.signUp("Lost");
    await expectProblem(await api.request("GET", "/api/nope", { token }), 404, "NOT_FOUND");
  });
}
