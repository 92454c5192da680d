import {
  CreateTaskSchema,
  ListTasksQuerySchema,
  ReplaceTaskSchema,
  TaskStatsQuerySchema,
  UpdateTaskSchema,
} from "@tandem/contracts";
import type { TandemDb } from "@tandem/db";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import { readJson, readQuery } from "../http/json-body.ts";
import type { AppEnv } from "../types.ts";
import {
  createTask,
  deleteTask,
  listTasks,
  replaceTask,
  requireTask,
  taskStats,
  toggleTask,
  updateTask,
} from "./tasks.queries.ts";

type Db = Pick<TandemDb, "db" | "dialect">;

function methodNotAllowed(allow: string) {
  return () => {
    throw new ApiError("METHOD_NOT_ALLOWED", { headers: { Allow: allow } });
  };
}

// Task ids are UUIDs the API generated; anything else names no task. Checked before any query,
// because some strings cannot even be a query parameter (Postgres refuses a NUL in text: 500).
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the path; 404 TASK_NOT_FOUND (as for a missing task) when it cannot be an id. */
function taskId(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!TASK_ID.test(id)) throw new ApiError("TASK_NOT_FOUND");
  return id;
}

function found<T>(task: T | null): T {
  if (task === null) throw new ApiError("TASK_NOT_FOUND");
  return task;
}

/**
 * The task resource, relative to where it is mounted (`/api/tasks`, and the compatibility
 * mount `/api/:userId/tasks`). Every query is scoped to the verified caller.
 */
export function taskRoutes(database: Db) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const query = readQuery(c, ListTasksQuerySchema);
      // Already JSON (built by the database): sent as it is, with the header c.json would set.
      const body = await listTasks(database, c.get("identity").userId, query);
      return c.body(body, 200, { "Content-Type": "application/json" });
    })
    .post("/", async (c) => {
      const input = await readJson(c, CreateTaskSchema);
      const task = await createTask(database, c.get("identity").userId, input);
      c.header("Location", `${c.req.path.replace(/\/+$/, "")}/${task.id}`);
      return c.json(task, 201);
    })
    .all("/", methodNotAllowed("GET, POST"))
    .get("/stats", async (c) => {
      const { q } = readQuery(c, TaskStatsQuerySchema);
      return c.json(await taskStats(database, c.get("identity").userId, q));
    })
    .all("/stats", methodNotAllowed("GET"))
    .get("/:id", async (c) => c.json(await requireTask(database, c.get("identity").userId, taskId(c))))
    .patch("/:id", async (c) => {
      const patch = await readJson(c, UpdateTaskSchema);
      return c.json(found(await updateTask(database, c.get("identity").userId, taskId(c), patch)));
    })
    .put("/:id", async (c) => {
      const input = await readJson(c, ReplaceTaskSchema);
      return c.json(found(await replaceTask(database, c.get("identity").userId, taskId(c), input)));
    })
    .delete("/:id", async (c) => {
      if (!(await deleteTask(database, c.get("identity").userId, taskId(c)))) {
        throw new ApiError("TASK_NOT_FOUND");
      }
      return c.body(null, 204);
    })
    .all("/:id", methodNotAllowed("GET, PATCH, PUT, DELETE"))
    .patch("/:id/complete", async (c) =>
      c.json(found(await toggleTask(database, c.get("identity").userId, taskId(c)))),
    )
    .all("/:id/complete", methodNotAllowed("PATCH"));
}

/**
 * For the `/api/{user_id}/tasks` scheme: the path's user id must be the caller's own. It never
 * selects whose data is used (that is always the token's `sub`); it can only be refused.
 */
export const requirePathOwner = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.param("userId") !== c.get("identity").userId) {
    throw new ApiError("FORBIDDEN", { detail: "The user id in the path is not yours" });
  }
  await next();
});
