import {
  CreateTaskSchema,
  ListTasksQuerySchema,
  ReplaceTaskSchema,
  TaskStatsQuerySchema,
  UpdateTaskSchema,
} from "@tandem/contracts";
import type { TandemDb } from "@tandem/db";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import { readJson } from "../http/json-body.ts";
import { readQuery } from "../http/query-string.ts";
import { routerOf } from "../http/route-table.ts";
import { setResponseHeader } from "../http/node-headers.ts";
import type { AppEnv } from "../types.ts";
import { TaskNotFoundError } from "./tasks.errors.ts";
import type { TaskListCache } from "./tasks.list-cache.ts";
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  replaceTask,
  taskStats,
  toggleTask,
  updateTask,
} from "./tasks.queries.ts";
import { taskPageJson, type TaskRow, toTask } from "./tasks.serializer.ts";
import { TASK_ROUTES } from "./tasks.table.ts";

type Db = Pick<TandemDb, "db" | "dialect">;

// Task ids are UUIDs the API generated; anything else names no task. Checked before any query,
// because some strings cannot even be a query parameter (Postgres refuses a NUL in text: 500).
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` can be a task's id (so it may be used in a query). */
export function isTaskId(value: string): boolean {
  return TASK_ID.test(value);
}

/** The `:id` of the path; not found (as for a missing task) when it cannot be an id. */
export function taskId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isTaskId(id)) throw new TaskNotFoundError();
  return id;
}

function found(row: TaskRow | null): TaskRow {
  if (row === null) throw new TaskNotFoundError();
  return row;
}

/**
 * The task resource (tasks.table.ts), relative to where it is mounted (`/api/tasks`, and the
 * compatibility mount `/api/:user_id/tasks`). Every query is scoped to the verified caller.
 */
export function taskRoutes(database: Db, listCache: TaskListCache) {
  const userId = (c: Context<AppEnv>) => c.get("identity").userId;
  return routerOf(
    TASK_ROUTES,
    {
      listTasks: async (c) => {
        const query = readQuery(c, ListTasksQuerySchema);
        const build = async () => taskPageJson(await listTasks(database, userId(c), query));
        const body = await listCache.page(userId(c), query, build);
        return c.body(body, 200, { "Content-Type": "application/json" });
      },
      createTask: async (c) => {
        const input = await readJson(c, CreateTaskSchema);
        const task = toTask(await createTask(database, userId(c), input));
        setResponseHeader(c, "Location", `${c.req.path.replace(/\/+$/, "")}/${task.id}`);
        return c.json(task, 201);
      },
      taskStats: async (c) => {
        const { q } = readQuery(c, TaskStatsQuerySchema);
        return c.json(await taskStats(database, userId(c), q));
      },
      getTask: async (c) => c.json(toTask(found(await getTask(database, userId(c), taskId(c))))),
      updateTask: async (c) => {
        const patch = await readJson(c, UpdateTaskSchema);
        return c.json(toTask(found(await updateTask(database, userId(c), taskId(c), patch))));
      },
      replaceTask: async (c) => {
        const input = await readJson(c, ReplaceTaskSchema);
        return c.json(toTask(found(await replaceTask(database, userId(c), taskId(c), input))));
      },
      deleteTask: async (c) => {
        if (!(await deleteTask(database, userId(c), taskId(c)))) throw new TaskNotFoundError();
        return c.body(null, 204);
      },
      toggleTask: async (c) => c.json(toTask(found(await toggleTask(database, userId(c), taskId(c))))),
    },
    { methodNotAllowed: true },
  );
}

/**
 * For the `/api/{user_id}/tasks` scheme: the path's user id must be the caller's own. It never
 * selects whose data is used (that is always the token's `sub`); it can only be refused.
 */
export const requirePathOwner = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.param("user_id") !== c.get("identity").userId) {
    throw new ApiError("FORBIDDEN", { detail: "The user id in the path is not yours" });
  }
  await next();
});
