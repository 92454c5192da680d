import type { TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectInsufficientScope, seedToken } from "./support/access-tokens.ts";
import { sendRaw } from "./support/raw-http.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { createTask } from "./support/tasks.ts";
import { type Crew, createTeamTask, crew, teamTaskPath, teamTasksPath } from "./support/teams.ts";

// A read-only personal access token reads and never writes (decision 017): every write method on
// every route — personal, compatibility and team, served or not — is 403 INSUFFICIENT_SCOPE, decided
// by the method before anything else, and method-override headers or parameters change nothing.
// The same requests with a read-write token pass, so the list is one of real writes.

interface Write {
  method: string;
  path: string;
  body?: unknown;
}

describe.each(targets())("a read-only token's writes ($label)", (target) => {
  const h = useApi(target);
  let ada: TestUser;
  let team: Crew;
  let reader: string;
  let writer: string;
  let taskId: string;
  let teamTaskId: string;
  beforeAll(async () => {
    team = await crew(h.auth, h.database.db, "Scopes");
    ada = team.member;
    reader = (await seedToken(h, ada, { scope: "read" })).token;
    writer = (await seedToken(h, ada, { scope: "write" })).token;
    taskId = (await createTask(h, ada.token, { title: "mine" })).id;
    teamTaskId = (await createTeamTask(h, ada.token, team.teamId, { title: "ours" })).id;
  });

  /** Every write of the task routes, on each of the three mounts. */
  function writes(): Write[] {
    const mounts = [
      { collection: "/api/tasks", item: `/api/tasks/${taskId}` },
      { collection: `/api/${ada.id}/tasks`, item: `/api/${ada.id}/tasks/${taskId}` },
      { collection: teamTasksPath(team.teamId), item: teamTaskPath(team.teamId, teamTaskId) },
    ];
    return mounts.flatMap(({ collection, item }) => [
      { method: "POST", path: collection, body: { title: "new" } },
      { method: "PUT", path: item, body: { title: "replaced" } },
      { method: "PATCH", path: item, body: { title: "changed" } },
      { method: "PATCH", path: `${item}/complete` },
      { method: "DELETE", path: item },
    ]);
  }

  /** What the reader could have changed: every task's row, and how many there are. */
  const snapshot = () => h.database.db.selectFrom("task").selectAll().orderBy("id").execute();

  it("every write method on every route → 403 INSUFFICIENT_SCOPE, and nothing changes", async () => {
    const before = await snapshot();
    for (const { method, path, body } of writes()) {
      const response = await h.request(method, path, {
        token: reader,
        ...(body === undefined ? {} : { body }),
      });
      await expectInsufficientScope(response, `${method} ${path}`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("writes no route serves (405 or 404 to a session) are refused for their method first", async () => {
    for (const [method, path] of [
      ["DELETE", "/api/tasks"],
      ["POST", "/api/me"],
      ["PUT", "/api/tasks/stats"],
      ["POST", "/api/nope"],
      ["DELETE", teamTasksPath(team.teamId)],
    ] as const) {
      await expectInsufficientScope(await h.request(method, path, { token: reader }), `${method} ${path}`);
    }
  });

  it("the same requests with a read-write token are carried out (control)", async () => {
    for (const { method, path, body } of writes().filter((w) => w.method !== "DELETE")) {
      const response = await h.request(method, path, {
        token: writer,
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
    }
  });

  it("method overrides: a POST that says GET is still a write; a GET that says DELETE is still a read", async () => {
    const before = await snapshot();
    const overrides = ["x-http-method-override", "x-http-method", "x-method-override"];
    for (const header of overrides) {
      const post = await h.request("POST", "/api/tasks", {
        token: reader,
        body: { title: "smuggled" },
        headers: { [header]: "GET" },
      });
      await expectInsufficientScope(post, `POST with ${header}: GET`);
      const get = await h.request("GET", `/api/tasks/${taskId}`, {
        token: reader,
        headers: { [header]: "DELETE" },
      });
      expect(get.status, `GET with ${header}: DELETE`).toBe(200);
    }
    for (const query of ["_method=DELETE", "method=DELETE", "_method=PATCH&title=x"]) {
      const get = await h.request("GET", `/api/tasks/${taskId}?${query}`, { token: reader });
      expect(get.status, query).toBe(200);
    }
    await expectInsufficientScope(
      await h.request("POST", `/api/tasks/${taskId}?_method=GET`, { token: reader }),
      "POST ?_method=GET",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("a lowercase or unknown method is never taken for a read", async () => {
    const before = await snapshot();
    for (const method of ["patch", "delete", "PROPFIND", "PURGE"]) {
      const response = await sendRaw(h.url, {
        method,
        path: `/api/tasks/${taskId}`,
        headers: { authorization: `Bearer ${reader}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "sneaky" }),
      });
      expect([400, 403, 405], `${method}: ${response.status} ${await response.clone().text()}`).toContain(
        response.status,
      );
    }
    expect(await snapshot()).toEqual(before);
  });
});
