import type { Problem, Task } from "@tandem/contracts";
import { describe, expect, it } from "vitest";
import { jsonLines, requestLog } from "./support/logs.ts";
import { PROBLEM } from "./support/problems.ts";
import { logsThrough, useApi, WEB_ORIGIN } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { createTask } from "./support/tasks.ts";
import { createTeam } from "./support/teams.ts";

type Json = Record<string, unknown>;
const COMPONENTS = [
  "Task",
  "CreateTask",
  "UpdateTask",
  "ReplaceTask",
  "TaskPage",
  "TaskStats",
  "Problem",
  "TeamTask",
  "CreateTeamTask",
  "UpdateTeamTask",
  "TeamTaskPage",
];
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Every `$ref` anywhere in a JSON value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "$ref" && typeof v === "string" ? [v] : refs(v),
  );
}

describe.each(targets())("app ($label)", (target) => {
  const h = useApi(target);

  it("is healthy and ready without authentication", async () => {
    const health = await h.request("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await h.request("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("publishes an OpenAPI 3.1 document of exactly the API's operations, each answering as documented", async () => {
    const response = await h.request("GET", "/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await response.json()) as Json & {
      paths: Record<string, Record<string, Json>>;
      components: Json;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    // The route list is the backend's own document (generated from the API's route table); a few
    // anchors keep an empty or truncated document from passing. That nothing undocumented is served
    // is checked below: every other method on a documented task path answers 405 naming exactly the
    // documented ones.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented).toEqual(
      expect.arrayContaining([
        "GET /health",
        "GET /ready",
        "GET /api/me",
        "GET /api/tasks",
        "POST /api/tasks",
        "PATCH /api/{user_id}/tasks/{id}/complete",
        "GET /api/teams/{teamId}/tasks",
        "DELETE /api/teams/{teamId}/tasks/{id}",
      ]),
    );
    const schemas = doc.components.schemas as Record<string, Json>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(COMPONENTS));
    expect(schemas.Task).toMatchObject({ type: "object", required: expect.arrayContaining(["id", "title"]) });
    for (const ref of refs(doc))
      expect(Object.keys(schemas), ref).toContain(ref.replace("#/components/schemas/", ""));

    // Each documented operation is served: it answers its documented success status. Team paths
    // are probed in a team of the caller's, with a task of that team.
    const user = await h.signUp();
    const teamId = await createTeam(h.auth, user, "Probes");
    const probeTask = (path: string): Promise<Task> =>
      createTask(
        h,
        user.token,
        { title: "probe" },
        path.includes("{teamId}") ? `/api/teams/${teamId}/tasks` : undefined,
      );
    const urlOf = (path: string, task: Task) =>
      path.replace("{user_id}", user.id).replace("{teamId}", teamId).replace("{id}", task.id);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const label = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(op.responses as Json);
        expect(codes.length, label).toBeGreaterThan(0);
        expect(op.security, label).toEqual(path.startsWith("/api/") ? [{ bearer: [] }] : undefined);
        const success = codes.find((code) => code.startsWith("2"));
        expect(success, label).toBeDefined();
        const url = urlOf(path, await probeTask(path));
        const write =
          method === "post" || method === "put" || (method === "patch" && !path.endsWith("/complete"));
        const answer = await h.request(method.toUpperCase(), url, {
          ...(path.startsWith("/api/") ? { token: user.token } : {}),
          ...(write ? { body: { title: "probed" } } : {}),
        });
        expect(answer.status, `${label}: ${await answer.clone().text()}`).toBe(Number(success));
      }
      if (!path.includes("/tasks")) continue;
      const methods = Object.keys(ops).map((method) => method.toUpperCase());
      const url = urlOf(path, await probeTask(path));
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methods.includes(m))) {
        const answer = await h.request(method, url, { token: user.token });
        expect(answer.status, `${method} ${path}`).toBe(405);
        const allow = (answer.headers.get("allow") ?? "").split(/\s*,\s*/);
        expect(new Set(allow), `${method} ${path}`).toEqual(new Set(methods));
      }
    }
  });

  it("serves Swagger UI from its own assets", async () => {
    const page = await h.request("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('src="/docs/swagger-ui-bundle.js"');
    expect(html).toContain('href="/docs/swagger-ui.css"');
    for (const [path, type] of [
      ["/docs/swagger-ui-bundle.js", /^text\/javascript/],
      ["/docs/swagger-ui.css", /^text\/css/],
      ["/docs/init.js", /^text\/javascript/],
    ] as const) {
      const asset = await h.request("GET", path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get("content-type"), path).toMatch(type);
      expect((await asset.text()).length, path).toBeGreaterThan(path.endsWith("init.js") ? 10 : 10_000);
    }
    expect(await (await h.request("GET", "/docs/init.js")).text()).toContain("/openapi.json");
    const missing = await h.request("GET", "/docs/other.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(PROBLEM);
  });

  it("sets security headers everywhere and forbids caching of /api responses", async () => {
    const user = await h.signUp();
    const responses = {
      api: await h.request("GET", "/api/tasks", { token: user.token }),
      created: await h.request("POST", "/api/tasks", { token: user.token, body: { title: "x" } }),
      unauthenticated: await h.request("GET", "/api/tasks"),
      invalid: await h.request("POST", "/api/tasks", { token: user.token, body: { title: "" } }),
      missing: await h.request("GET", "/api/nope", { token: user.token }),
      health: await h.request("GET", "/health"),
      docs: await h.request("GET", "/docs"),
      outside: await h.request("GET", "/nowhere"),
    };
    for (const [name, response] of Object.entries(responses)) {
      expect(response.headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), name).toBe("DENY");
      expect(response.headers.get("referrer-policy"), name).toBe("no-referrer");
      expect(response.headers.has("x-powered-by"), name).toBe(false);
      if (name !== "docs") expect(response.headers.get("content-security-policy"), name).toBe(API_CSP);
      if (name !== "health" && name !== "docs" && name !== "outside") {
        expect(response.headers.get("cache-control"), name).toBe("no-store");
      }
    }
    expect(responses.docs.headers.get("content-security-policy")).toMatch(
      /^default-src 'none'; script-src 'self';/,
    );
    expect(responses.unauthenticated.status).toBe(401);
    expect(responses.invalid.status).toBe(400);
    expect(responses.outside.status).toBe(404);
  });

  describe("CORS", () => {
    const preflight = (origin: string) =>
      h.request("OPTIONS", "/api/tasks", {
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });

    it("echoes the allowed origin on preflights and on every actual response", async () => {
      const pre = await preflight(WEB_ORIGIN);
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
      const allowed = (pre.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type"]));
      const methods = (pre.headers.get("access-control-allow-methods") ?? "").split(/\s*,\s*/);
      expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]));
      expect(pre.headers.get("vary")).toMatch(/origin/i);

      const user = await h.signUp();
      const ok = await h.request("GET", "/api/tasks", { token: user.token, headers: { origin: WEB_ORIGIN } });
      const denied = await h.request("GET", "/api/tasks", { headers: { origin: WEB_ORIGIN } });
      expect([ok.status, denied.status]).toEqual([200, 401]);
      for (const response of [ok, denied]) {
        expect(response.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
        expect(response.headers.get("vary")).toMatch(/origin/i);
      }
      const exposed = (denied.headers.get("access-control-expose-headers") ?? "").toLowerCase();
      expect(exposed).toContain("www-authenticate");
      expect(exposed).toContain("x-request-id");
    });

    it.each([
      "http://evil.test",
      "http://localhost:3000.evil.test",
      "http://localhost:30000",
      "http://localhost:300",
      "https://localhost:3000",
      "http://localhost:3000/",
      "null",
    ])("grants nothing to %s", async (origin) => {
      const pre = await preflight(origin);
      expect(pre.headers.has("access-control-allow-origin")).toBe(false);
      const actual = await h.request("GET", "/api/tasks", { headers: { origin } });
      expect(actual.status).toBe(401);
      expect(actual.headers.has("access-control-allow-origin")).toBe(false);
    });
  });

  it("tags every response with a request id, logs each request under it, and logs no token", async () => {
    const user = await h.signUp();
    const responses = [
      await h.request("GET", "/health"),
      await h.request("GET", "/openapi.json"),
      await h.request("GET", "/api/tasks", { token: user.token }),
      await h.request("GET", "/api/tasks"),
      await h.request("PUT", "/api/tasks", { token: user.token }),
      await h.request("GET", "/api/nope", { token: user.token }),
      await h.request("OPTIONS", "/api/tasks", {
        headers: { origin: WEB_ORIGIN, "access-control-request-method": "GET" },
      }),
    ];
    const ids = responses.map((r) => r.headers.get("x-request-id") ?? "");
    for (const id of ids) expect(id).toMatch(/^[\w=-]{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const response of responses.filter((r) => r.status >= 400)) {
      const problem = (await response.json()) as Problem;
      expect(problem.requestId).toBe(response.headers.get("x-request-id"));
    }
    const lines = await logsThrough(h, ids[5] ?? "");
    // One record per line, each a JSON object, so a log shipper can parse every line.
    expect(lines.filter((line) => jsonLines([line]).length === 0)).toEqual([]);
    for (const [i, id] of ids.slice(0, 6).entries()) {
      expect(requestLog(lines, id), id).toMatchObject({
        method: ["GET", "GET", "GET", "GET", "PUT", "GET"][i],
        path: ["/health", "/openapi.json", "/api/tasks", "/api/tasks", "/api/tasks", "/api/nope"][i],
        status: responses[i]?.status,
      });
    }
    expect(lines.join("\n")).not.toContain(user.token);
  });
});
