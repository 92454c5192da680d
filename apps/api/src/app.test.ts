import { testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../test/api-harness.ts";

// What only the TypeScript app itself can show: its router against its OpenAPI document, a closed
// database handle, and settings that are not environment variables. Everything a client can
// observe over HTTP is in the contract suite (tests/contract), run against every backend.

type Json = Record<string, unknown>;
const PROBLEM = /^application\/problem\+json/;
const KIB = 1024;

/** `{"title":"padded"}` followed by spaces up to exactly `size` bytes (whitespace is valid JSON). */
function paddedBody(size: number): string {
  const json = JSON.stringify({ title: "padded" });
  return json + " ".repeat(size - json.length);
}

describe.each(testDialects())("app internals (%s)", (dialect) => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await createApiHarness(dialect);
  });
  afterEach(() => h.close());

  it("is not ready once its database handle is closed, and says no more than that", async () => {
    await h.apiDatabase.destroy();
    const response = await h.request("GET", "/ready");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(PROBLEM);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(text).not.toMatch(
      /destroy|driver|kysely|sqlite|postgres|ECONN|stack|database ".*"|does not exist/i,
    );
    expect((await h.request("GET", "/health")).status).toBe(200);
  });

  it("documents every route its router serves, and nothing else", async () => {
    const response = await h.request("GET", "/openapi.json");
    const doc = (await response.json()) as { paths: Record<string, Record<string, Json>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = h.app.routes
      .filter((r) => r.method !== "ALL" && r.path !== "/openapi.json" && !r.path.startsWith("/docs"))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(served).toEqual(
      expect.arrayContaining([
        "GET /api/me",
        "GET /health",
        "GET /ready",
        "PATCH /api/{user_id}/tasks/{id}/complete",
      ]),
    );
  });

  it("enforces a configured body limit: 1 KiB accepts 1024 bytes and answers 413 for 1025", async () => {
    const small = await createApiHarness(dialect, { bodyLimitBytes: KIB });
    try {
      const owner = await small.signUp();
      const at = await small.request("POST", "/api/tasks", { token: owner.token, body: paddedBody(KIB) });
      expect(at.status, await at.clone().text()).toBe(201);
      const over = await small.request("POST", "/api/tasks", {
        token: owner.token,
        body: paddedBody(KIB + 1),
      });
      expect(over.status).toBe(413);
      expect(over.headers.get("content-type")).toMatch(PROBLEM);
      expect(await over.json()).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    } finally {
      await small.close();
    }
  });
});
