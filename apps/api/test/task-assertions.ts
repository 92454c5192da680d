import {
  type ErrorCode,
  type Problem,
  ProblemSchema,
  problemType,
  type Task,
  TaskPageSchema,
  TaskSchema,
  type TaskStats,
  TaskStatsSchema,
} from "@tandem/contracts";
import { expect } from "vitest";
import type { ApiHarness } from "./api-harness.ts";

// Text that only a leaked stack trace, driver message or SQL statement would contain.
const INTERNALS = [
  /\n\s+at /,
  /node_modules/,
  /\.ts:\d+/,
  /\bselect\b.+\bfrom\b/i,
  /\binsert into\b/i,
  /\bupdate\b.+\bset\b/i,
  /\bdelete from\b/i,
  /sqlite/i,
  /postgres/i,
  /kysely/i,
  /SyntaxError|TypeError|RangeError|ZodError/,
];

/**
 * Asserts an RFC 9457 problem+json answer with this status and code and no internals in it, and
 * returns its body.
 */
export async function expectProblem(response: Response, status: number, code: ErrorCode): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);
  const problem = ProblemSchema.parse(JSON.parse(text));
  expect(problem).toMatchObject({ type: problemType(code), status, code });
  expect(problem.title).not.toBe("");
  return problem;
}

/** A problem body without the parts that differ per request (its id and its path). */
export function comparableProblem(problem: Problem): Omit<Problem, "requestId" | "instance"> {
  const { requestId: _requestId, instance: _instance, ...rest } = problem;
  return rest;
}

/** Response headers except the per-request id, for comparing two answers. */
export function comparableHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "x-request-id") headers[name] = value;
  });
  return headers;
}

export async function createTask(h: ApiHarness, token: string, body: Record<string, unknown>): Promise<Task> {
  const response = await h.request("POST", "/api/tasks", { token, body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return TaskSchema.parse(JSON.parse(text));
}

export async function getTask(h: ApiHarness, token: string, id: string): Promise<Task> {
  const response = await h.request("GET", `/api/tasks/${id}`, { token });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskSchema.parse(JSON.parse(text));
}

/** Every task of the token's user (up to 100), newest first. */
export async function listTasks(h: ApiHarness, token: string, query = ""): Promise<Task[]> {
  const response = await h.request("GET", `/api/tasks?limit=100${query === "" ? "" : `&${query}`}`, {
    token,
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskPageSchema.parse(JSON.parse(text)).items;
}

export async function taskStats(h: ApiHarness, token: string): Promise<TaskStats> {
  const response = await h.request("GET", "/api/tasks/stats", { token });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskStatsSchema.parse(JSON.parse(text));
}

/** What a user can see of their data: every task with every field, and the counts. */
export async function snapshot(h: ApiHarness, token: string): Promise<{ tasks: Task[]; stats: TaskStats }> {
  return { tasks: await listTasks(h, token), stats: await taskStats(h, token) };
}

/** Every row of the task table, straight from the database, for "nothing changed" checks. */
export async function allRows(h: ApiHarness): Promise<unknown[]> {
  return h.database.db.selectFrom("task").selectAll().orderBy("id").execute();
}

export interface RawRequest {
  token: string;
  /** Sent as is, with no Content-Type added (a string gets `text/plain` from fetch itself). */
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

/** A request with exactly the body and headers given, for bodies the harness would rewrite. */
export async function rawRequest(
  h: ApiHarness,
  method: string,
  path: string,
  init: RawRequest,
): Promise<Response> {
  return h.app.request(path, {
    method,
    headers: { authorization: `Bearer ${init.token}`, ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}

export interface WriteTarget {
  method: "POST" | "PATCH" | "PUT";
  path: string;
}

/** Every route that reads a task body, on both mounts, for this user and one of their tasks. */
export function writeTargets(userId: string, taskId: string): WriteTarget[] {
  return [
    { method: "POST", path: "/api/tasks" },
    { method: "POST", path: `/api/${userId}/tasks` },
    { method: "PATCH", path: `/api/tasks/${taskId}` },
    { method: "PATCH", path: `/api/${userId}/tasks/${taskId}` },
    { method: "PUT", path: `/api/tasks/${taskId}` },
    { method: "PUT", path: `/api/${userId}/tasks/${taskId}` },
  ];
}
