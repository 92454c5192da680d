import type { ErrorCode } from "@tandem/contracts";
import { Hono, type Handler } from "hono";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * One operation of the API: what the router serves and the OpenAPI document describes. Handlers
 * are given separately (keyed like the table), so the document can be built without a database.
 */
export interface RouteSpec {
  method: Method;
  /** Below the mount, in Hono's syntax: `/`, `/stats`, `/:id`. */
  path: string;
  summary: string;
  /** OpenAPI query parameters (path parameters come from the path). */
  query?: readonly Record<string, unknown>[];
  /** The request body's component schema. */
  body?: string;
  success: {
    status: number;
    description: string;
    /** The response body's component schema; absent for an empty body. */
    schema?: string;
    headers?: Record<string, unknown>;
  };
  /** The problems this operation answers besides the mount's (authentication, …). */
  errors?: readonly ErrorCode[];
}

export type RouteTable = Record<string, RouteSpec>;
export type RouteHandlers<T extends RouteTable> = { [K in keyof T]: Handler<AppEnv> };

/** Where a table is served, and what every operation there shares. */
export interface Mount<T extends RouteTable = RouteTable> {
  /** In Hono's syntax: `/api/tasks`, `/api/:user_id/tasks`. */
  prefix: string;
  table: T;
  tag: string;
  /** Needs `Authorization: Bearer`, and so may answer the authentication problems. */
  secured: boolean;
  errors?: readonly ErrorCode[];
}

/**
 * A router serving the table: each operation's handler and, with `methodNotAllowed`, 405
 * METHOD_NOT_ALLOWED (with `Allow` naming the table's methods, in its order) for any other method
 * on a path of the table (without it, such a request finds no route: 404). Paths are registered in
 * the table's order, so a fixed path listed before `/:id` wins over it.
 */
export function routerOf<T extends RouteTable>(
  table: T,
  handlers: RouteHandlers<T>,
  options: { methodNotAllowed?: boolean } = {},
): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  const byPath = new Map<string, [Method, Handler<AppEnv>][]>();
  for (const [id, spec] of Object.entries(table)) {
    const handler = handlers[id as keyof T];
    const entries = byPath.get(spec.path) ?? [];
    entries.push([spec.method, handler]);
    byPath.set(spec.path, entries);
  }
  for (const [path, entries] of byPath) {
    for (const [method, handler] of entries) router.on(method.toUpperCase(), path, handler);
    if (options.methodNotAllowed !== true) continue;
    const allow = entries.map(([method]) => method.toUpperCase()).join(", ");
    router.all(path, () => {
      throw new ApiError("METHOD_NOT_ALLOWED", { headers: { Allow: allow } });
    });
  }
  return router;
}
