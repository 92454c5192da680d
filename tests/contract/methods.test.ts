import { randomBytes } from "node:crypto";
import type { TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/problems.ts";
import { sendRaw } from "./support/raw-http.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

// A method a path does not serve: 405 METHOD_NOT_ALLOWED naming the path's methods in `Allow`, as
// problem+json, with nothing of the request echoed (TRACE included); a path that does not exist
// stays 404 whatever the method. (Under /api the caller is authenticated first, as for any route.)
describe.each(targets())("unsupported methods ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  beforeAll(async () => {
    user = await h.signUp();
  });
  const marker = () => `marker-${randomBytes(8).toString("hex")}`;
  const send = (method: string, path: string, mark: string, withBody = false) =>
    sendRaw(h.url, {
      method,
      path,
      headers: {
        authorization: `Bearer ${user.token}`,
        "x-echo-probe": mark,
        ...(withBody ? { "content-type": "application/json" } : {}),
      },
      ...(withBody ? { body: JSON.stringify({ title: mark }) } : {}),
    });

  it.each([
    ["TRACE", "/api/me", "GET"],
    ["PUT", "/api/me", "GET"],
    ["POST", "/api/me", "GET"],
    ["DELETE", "/api/me", "GET"],
    ["PATCH", "/api/me", "GET"],
    ["TRACE", "/api/tasks", "GET, POST"],
    ["TRACE", "/health", "GET"],
    ["POST", "/health", "GET"],
    ["DELETE", "/ready", "GET"],
    ["PUT", "/openapi.json", "GET"],
    ["TRACE", "/openapi.json", "GET"],
  ])("%s %s → 405, Allow: %s, problem+json, nothing echoed", async (method, path, allow) => {
    const mark = marker();
    const response = await send(method, path, mark, method !== "TRACE");
    const text = await response.clone().text();
    await expectProblem(response, 405, "METHOD_NOT_ALLOWED");
    expect(response.headers.get("allow")).toBe(allow);
    expect(text).not.toContain(mark);
    expect(text).not.toContain(user.token);
    expect([...response.headers.values()].join("\n")).not.toContain(mark);
  });

  it("TRACE on a task of the caller → 405 naming the task's methods", async () => {
    const created = await h.request("POST", "/api/tasks", { token: user.token, body: { title: "t" } });
    const { id } = (await created.json()) as { id: string };
    const response = await send("TRACE", `/api/tasks/${id}`, marker());
    await expectProblem(response, 405, "METHOD_NOT_ALLOWED");
    expect(response.headers.get("allow")).toBe("GET, PATCH, PUT, DELETE");
  });

  it("the served methods still work, HEAD included", async () => {
    expect((await send("GET", "/api/me", marker())).status).toBe(200);
    const head = await send("HEAD", "/api/me", marker());
    expect(head.status).toBe(200);
    expect((await send("HEAD", "/health", marker())).status).toBe(200);
  });

  it.each([["TRACE"], ["GET"], ["DELETE"]])(
    "%s on paths that do not exist → 404 NOT_FOUND",
    async (method) => {
      for (const path of ["/nope", "/api/nope", "/api/me/more", "/healthz"]) {
        const mark = marker();
        const response = await send(method, path, mark);
        const text = await response.clone().text();
        await expectProblem(response, 404, "NOT_FOUND");
        expect(text).not.toContain(mark);
      }
    },
  );
});
