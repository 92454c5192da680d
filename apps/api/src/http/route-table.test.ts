import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { type RouteTable, routerOf } from "./route-table.ts";

const TABLE = {
  list: { method: "get", path: "/", summary: "List", success: { status: 200, description: "OK" } },
  create: { method: "post", path: "/", summary: "Create", success: { status: 201, description: "OK" } },
  fixed: { method: "get", path: "/fixed", summary: "Fixed", success: { status: 200, description: "OK" } },
  one: { method: "get", path: "/:id", summary: "One", success: { status: 200, description: "OK" } },
  remove: { method: "delete", path: "/:id", summary: "Remove", success: { status: 204, description: "OK" } },
} satisfies RouteTable;

function app(methodNotAllowed: boolean) {
  const router = routerOf(
    TABLE,
    {
      list: (c) => c.text("list"),
      create: (c) => c.text("create", 201),
      fixed: (c) => c.text("fixed"),
      one: (c) => c.text(`one ${c.req.param("id")}`),
      remove: (c) => c.body(null, 204),
    },
    { methodNotAllowed },
  );
  const root = new Hono<AppEnv>().route("/things", router);
  root.onError((error, c) =>
    error instanceof ApiError ? c.text(error.code, error.status, error.headers) : c.text("unexpected", 500),
  );
  return root;
}

describe("routerOf", () => {
  it("serves each operation of the table with its handler, a fixed path before a parameter", async () => {
    const served = app(true);
    expect(await (await served.request("/things")).text()).toBe("list");
    expect((await served.request("/things", { method: "POST" })).status).toBe(201);
    expect(await (await served.request("/things/fixed")).text()).toBe("fixed");
    expect(await (await served.request("/things/42")).text()).toBe("one 42");
    expect((await served.request("/things/42", { method: "DELETE" })).status).toBe(204);
  });

  it("answers other methods on a path of the table with 405 and Allow in the table's order", async () => {
    const served = app(true);
    for (const [method, path, allow] of [
      ["PUT", "/things", "GET, POST"],
      ["POST", "/things/fixed", "GET"],
      ["PATCH", "/things/42", "GET, DELETE"],
    ] as const) {
      const response = await served.request(path, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(await response.text()).toBe("METHOD_NOT_ALLOWED");
      expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
    }
  });

  it("without methodNotAllowed, another method finds no route", async () => {
    expect((await app(false).request("/things", { method: "PUT" })).status).toBe(404);
  });
});
