import { randomBytes } from "node:crypto";
import type { Problem } from "@tandem/contracts";
import { createDb } from "@tandem/db";
import { testDialects } from "@tandem/testing";
import { sql } from "kysely";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, WEB_ORIGIN } from "../test/api-harness.ts";
import { createApp } from "./app.ts";

type Json = Record<string, unknown>;
const COMPONENTS = ["Task", "CreateTask", "UpdateTask", "ReplaceTask", "TaskPage", "TaskStats", "Problem"];
const PROBLEM = /^application\/problem\+json/;

/** Every `$ref` anywhere in a JSON value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "$ref" && typeof v === "string" ? [v] : refs(v),
  );
}

describe.each(testDialects())("app (%s)", (dialect) => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await createApiHarness(dialect);
  });
  afterEach(() => h.close());

  async function expectUnavailable(response: Response): Promise<void> {
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(PROBLEM);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(text).not.toMatch(
      /destroy|driver|kysely|sqlite|postgres|ECONN|stack|database ".*"|does not exist/i,
    );
  }

  it("is healthy and ready without authentication", async () => {
    const health = await h.request("GET", "/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await h.request("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("is not ready once its database handle is closed, and says no more than that", async () => {
    await h.database.destroy();
    await expectUnavailable(await h.request("GET", "/ready"));
    expect((await h.request("GET", "/health")).status).toBe(200);
  });

  // Registered only on Postgres: a SQLite file cannot be "dropped" under an open handle.
  if (dialect === "postgres") {
    it("is not ready when its database has been dropped", async () => {
      const name = `${new URL(h.database.url).pathname.slice(1)}_gone_${randomBytes(3).toString("hex")}`;
      const admin = createDb(h.database.url, { poolSize: 1 });
      const url = new URL(h.database.url);
      url.pathname = `/${name}`;
      const doomed = createDb(url.toString(), { poolSize: 1 });
      try {
        await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
        const app = createApp({
          database: doomed,
          verifier: { verify: () => Promise.reject(new Error("not used")) },
          logger: pino({ level: "silent" }),
          config: { webOrigins: [WEB_ORIGIN] },
        });
        expect((await app.request("/ready")).status).toBe(200);
        await sql`DROP DATABASE ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
        await expectUnavailable(await app.request("/ready"));
      } finally {
        await doomed.destroy();
        await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
        await admin.destroy();
      }
    });
  }

  it("publishes an OpenAPI 3.1 document covering every route and method it serves", async () => {
    const response = await h.request("GET", "/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await response.json()) as Json & {
      paths: Record<string, Record<string, Json>>;
      components: Json;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = h.app.routes
      .filter((r) => r.method !== "ALL" && r.path !== "/openapi.json" && !r.path.startsWith("/docs"))
      .map((r) => `${r.method} ${r.path.replace(":userId", "{user_id}").replace(":id", "{id}")}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(served).toEqual(
      expect.arrayContaining([
        "GET /api/me",
        "GET /health",
        "GET /ready",
        "PATCH /api/{user_id}/tasks/{id}/complete",
      ]),
    );
    const schemas = doc.components.schemas as Record<string, Json>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(COMPONENTS));
    expect(schemas.Task).toMatchObject({ type: "object", required: expect.arrayContaining(["id", "title"]) });
    for (const ref of refs(doc))
      expect(Object.keys(schemas), ref).toContain(ref.replace("#/components/schemas/", ""));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses as Json).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.security, `${method} ${path}`).toEqual(
          path.startsWith("/api/") ? [{ bearer: [] }] : undefined,
        );
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
      expect(response.headers.has("x-powered-by"), name).toBe(false);
      if (name !== "health" && name !== "docs" && name !== "outside") {
        expect(response.headers.get("cache-control"), name).toBe("no-store");
      }
    }
    expect(responses.unauthenticated.status).toBe(401);
    expect(responses.invalid.status).toBe(400);
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

  it("answers an internal failure with a bare INTERNAL_ERROR and logs the cause", async () => {
    const user = await h.signUp();
    await sql`DROP TABLE task`.execute(h.database.db);
    const response = await h.request("GET", "/api/tasks", { token: user.token });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(PROBLEM);
    const requestId = response.headers.get("x-request-id");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      type: "urn:tandem:problem:internal-error",
      title: "Internal server error",
      status: 500,
      instance: "/api/tasks",
      code: "INTERNAL_ERROR",
      requestId,
    });
    expect(text).not.toMatch(/select|relation|no such table|stack|\.ts:/i);
    const lines = h.logs.map((line) => JSON.parse(line) as Json).filter((l) => l.reqId === requestId);
    expect(lines.some((l) => l.msg === "unhandled error" && JSON.stringify(l.err).match(/task/))).toBe(true);
  });

  it("tags every response and log line with a request id, and logs no token", async () => {
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
    const ids = responses.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[\w=-]{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const response of responses.filter((r) => r.status >= 400)) {
      const problem = (await response.json()) as Problem;
      expect(problem.requestId).toBe(response.headers.get("x-request-id"));
    }
    const lines = h.logs.map((line) => JSON.parse(line) as Json);
    expect(h.logs.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    for (const id of ids.slice(0, 6)) {
      expect(
        lines.find((l) => l.reqId === id && l.msg === "request"),
        String(id),
      ).toMatchObject({
        method: expect.any(String),
        path: expect.any(String),
        status: expect.any(Number),
      });
    }
    expect(h.logs.join("")).not.toContain(user.token);
  });
});
