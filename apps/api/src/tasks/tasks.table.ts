import { type ErrorCode, LIMIT_MAX, SEARCH_MAX, TASK_SORTS, TASK_STATUSES } from "@tandem/contracts";
import type { RouteTable } from "../http/route-table.ts";

const BODY_ERRORS: ErrorCode[] = [
  "VALIDATION_FAILED",
  "INVALID_JSON",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
];

const qParam = {
  name: "q",
  in: "query",
  description: "Case-insensitive text to find in the title or description",
  schema: { type: "string", maxLength: SEARCH_MAX },
};

const listParams = [
  { name: "status", in: "query", schema: { type: "string", enum: TASK_STATUSES, default: "all" } },
  qParam,
  { name: "sort", in: "query", schema: { type: "string", enum: TASK_SORTS, default: "created" } },
  {
    name: "order",
    in: "query",
    description: "Default: desc for created and priority, asc for due and title",
    schema: { type: "string", enum: ["asc", "desc"] },
  },
  {
    name: "limit",
    in: "query",
    description: `1–${LIMIT_MAX}; larger values are clamped`,
    schema: { type: "integer", minimum: 1, default: 20 },
  },
  {
    name: "cursor",
    in: "query",
    description: "`nextCursor` of the previous page",
    schema: { type: "string" },
  },
];

const theTask = { status: 200, description: "The task", schema: "Task" };

/**
 * The task resource's operations, relative to where it is mounted: the router (tasks.routes.ts)
 * and the OpenAPI document are both built from this table. Per path, the order of the methods is
 * the order of `Allow` in a 405.
 */
export const TASK_ROUTES = {
  listTasks: {
    method: "get",
    path: "/",
    summary: "List tasks (keyset-paginated)",
    query: listParams,
    success: { status: 200, description: "A page of tasks", schema: "TaskPage" },
    errors: ["VALIDATION_FAILED", "INVALID_CURSOR"],
  },
  createTask: {
    method: "post",
    path: "/",
    summary: "Create a task",
    body: "CreateTask",
    success: {
      status: 201,
      description: "Created; `Location` names the new task",
      schema: "Task",
      headers: { Location: { schema: { type: "string" } } },
    },
    errors: BODY_ERRORS,
  },
  taskStats: {
    method: "get",
    path: "/stats",
    summary: "Count tasks by status",
    query: [qParam],
    success: { status: 200, description: "Counts", schema: "TaskStats" },
    errors: ["VALIDATION_FAILED"],
  },
  getTask: {
    method: "get",
    path: "/:id",
    summary: "Get a task",
    success: theTask,
    errors: ["TASK_NOT_FOUND"],
  },
  updateTask: {
    method: "patch",
    path: "/:id",
    summary: "Update some fields of a task",
    body: "UpdateTask",
    success: theTask,
    errors: ["TASK_NOT_FOUND", ...BODY_ERRORS],
  },
  replaceTask: {
    method: "put",
    path: "/:id",
    summary: "Replace a task (omitted optional fields reset to defaults)",
    body: "ReplaceTask",
    success: theTask,
    errors: ["TASK_NOT_FOUND", ...BODY_ERRORS],
  },
  deleteTask: {
    method: "delete",
    path: "/:id",
    summary: "Delete a task",
    success: { status: 204, description: "Deleted" },
    errors: ["TASK_NOT_FOUND"],
  },
  toggleTask: {
    method: "patch",
    path: "/:id/complete",
    summary: "Toggle completion",
    success: theTask,
    errors: ["TASK_NOT_FOUND"],
  },
} satisfies RouteTable;
