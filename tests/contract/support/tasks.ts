// Task helpers for the contract tests: create, read and list through the API under test, and read
// the database behind it directly for "nothing changed" checks.
import { type Task, TaskPageSchema, TaskSchema, type TaskStats, TaskStatsSchema } from "@tandem/contracts";
import type { Database } from "@tandem/db";
import type { Selectable } from "kysely";
import { expect } from "vitest";
import type { Api } from "./server.ts";

/** Creates a task through `/api/tasks`, or through another collection path (a team's). */
export async function createTask(
  h: Api,
  token: string,
  body: Record<string, unknown>,
  collection = "/api/tasks",
): Promise<Task> {
  const response = await h.request("POST", collection, { token, body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return TaskSchema.parse(JSON.parse(text));
}

export async function getTask(h: Api, token: string, id: string): Promise<Task> {
  const response = await h.request("GET", `/api/tasks/${id}`, { token });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskSchema.parse(JSON.parse(text));
}

/** Every task of the token's user (up to 100), newest first. */
export async function listTasks(h: Api, token: string, query = ""): Promise<Task[]> {
  const response = await h.request("GET", `/api/tasks?limit=100${query === "" ? "" : `&${query}`}`, {
    token,
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskPageSchema.parse(JSON.parse(text)).items;
}

export async function taskStats(h: Api, token: string): Promise<TaskStats> {
  const response = await h.request("GET", "/api/tasks/stats", { token });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskStatsSchema.parse(JSON.parse(text));
}

/** What a user can see of their data: every task with every field, and the counts. */
export async function snapshot(h: Api, token: string): Promise<{ tasks: Task[]; stats: TaskStats }> {
  return { tasks: await listTasks(h, token), stats: await taskStats(h, token) };
}

/** Every row of the task table, straight from the database, for "nothing changed" checks. */
export async function allRows(h: Api): Promise<unknown[]> {
  return h.database.db.selectFrom("task").selectAll().orderBy("id").execute();
}

/** The rows of one user's tasks, straight from the database. */
export async function userRows(h: Api, userId: string): Promise<unknown[]> {
  return h.database.db.selectFrom("task").selectAll().where("user_id", "=", userId).orderBy("id").execute();
}

export interface RawRequest {
  token: string;
  /** Sent as is, with no Content-Type added (a string gets `text/plain` from fetch itself). */
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

/** A request with exactly the body and headers given, for bodies `Api.request` would rewrite. */
export async function rawRequest(h: Api, method: string, path: string, init: RawRequest): Promise<Response> {
  return fetch(`${h.url}${path}`, {
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

/** A `task` row as the API's Task, for comparing pages with what the database holds. */
export function rowAsTask(r: Selectable<Database["task"]>): Task {
  const iso = (v: Date | string | null) => (v instanceof Date ? v.toISOString() : v);
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    completed: Boolean(r.completed),
    priority: r.priority,
    dueAt: iso(r.due_at),
    completedAt: iso(r.completed_at),
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
}
