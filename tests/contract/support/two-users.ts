import type { Task } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import type { Api } from "./server.ts";
import { createTask } from "./tasks.ts";

// Two real users with tasks, and the task routes to try across them, for the isolation tests.

export interface World {
  alice: TestUser;
  bob: TestUser;
  aliceTasks: Task[];
  bobTasks: Task[];
}

/** Two real users with tasks of every kind; Bob's are the ones Alice must never reach. */
export async function twoUsers(h: Api): Promise<World> {
  const alice = await h.signUp("Alice");
  const bob = await h.signUp("Bob");
  const aliceTasks = [
    await createTask(h, alice.token, { title: "Alice shared word one" }),
    await createTask(h, alice.token, { title: "Alice shared word two", completed: true, priority: "low" }),
  ];
  const bobTasks = [
    await createTask(h, bob.token, { title: "Bob shared word secret", description: "Bob's private notes" }),
    await createTask(h, bob.token, {
      title: "Bob done",
      completed: true,
      priority: "high",
      dueAt: "2031-05-01T09:00:00Z",
    }),
    await createTask(h, bob.token, { title: "Bob third", priority: "low", dueAt: "2030-01-01T00:00:00Z" }),
  ];
  return { alice, bob, aliceTasks, bobTasks };
}

export function first(tasks: Task[]): Task {
  const task = tasks[0];
  if (!task) throw new Error("expected a task");
  return task;
}

export interface ItemRoute {
  name: string;
  method: string;
  /** The path for this caller and task id. */
  path: (callerId: string, taskId: string) => string;
  body?: Record<string, unknown>;
}

// Every route that takes a task id, on both mounts. The compatibility mount gets the caller's
// own user id, so only the task id is foreign.
export const ITEM_ROUTES: ItemRoute[] = [
  { name: "GET /api/tasks/:id", method: "GET", path: (_, id) => `/api/tasks/${id}` },
  {
    name: "PATCH /api/tasks/:id",
    method: "PATCH",
    path: (_, id) => `/api/tasks/${id}`,
    body: { title: "hijacked", completed: false },
  },
  {
    name: "PUT /api/tasks/:id",
    method: "PUT",
    path: (_, id) => `/api/tasks/${id}`,
    body: { title: "hijacked" },
  },
  { name: "DELETE /api/tasks/:id", method: "DELETE", path: (_, id) => `/api/tasks/${id}` },
  { name: "PATCH /api/tasks/:id/complete", method: "PATCH", path: (_, id) => `/api/tasks/${id}/complete` },
  { name: "GET /api/{user_id}/tasks/:id", method: "GET", path: (me, id) => `/api/${me}/tasks/${id}` },
  {
    name: "PUT /api/{user_id}/tasks/:id",
    method: "PUT",
    path: (me, id) => `/api/${me}/tasks/${id}`,
    body: { title: "hijacked" },
  },
  {
    name: "PATCH /api/{user_id}/tasks/:id",
    method: "PATCH",
    path: (me, id) => `/api/${me}/tasks/${id}`,
    body: { description: "hijacked" },
  },
  { name: "DELETE /api/{user_id}/tasks/:id", method: "DELETE", path: (me, id) => `/api/${me}/tasks/${id}` },
  {
    name: "PATCH /api/{user_id}/tasks/:id/complete",
    method: "PATCH",
    path: (me, id) => `/api/${me}/tasks/${id}/complete`,
  },
];

export interface CompatRoute {
  name: string;
  method: string;
  /** The path for this user id in the path and a task id. */
  path: (pathUserId: string, taskId: string) => string;
  body?: Record<string, unknown>;
}

export const COMPAT_ROUTES: CompatRoute[] = [
  { name: "GET /api/{user_id}/tasks", method: "GET", path: (u) => `/api/${u}/tasks` },
  {
    name: "POST /api/{user_id}/tasks",
    method: "POST",
    path: (u) => `/api/${u}/tasks`,
    body: { title: "planted" },
  },
  { name: "GET /api/{user_id}/tasks/stats", method: "GET", path: (u) => `/api/${u}/tasks/stats` },
  ...ITEM_ROUTES.filter((r) => r.name.includes("{user_id}")).map((r): CompatRoute => ({
    ...r,
    path: (u, id) => r.path(u, id),
  })),
];
