import type { Mount, RouteTable } from "./http/route-table.ts";
import { TASK_ROUTES } from "./tasks/tasks.table.ts";
import { TEAM_TASK_ROUTES } from "./teams/teams.table.ts";

/** Unauthenticated operations of the service itself. */
export const SERVICE_ROUTES = {
  health: {
    method: "get",
    path: "/health",
    summary: "The process is up",
    success: { status: 200, description: "OK" },
  },
  ready: {
    method: "get",
    path: "/ready",
    summary: "The database is reachable",
    success: { status: 200, description: "Ready" },
    errors: ["SERVICE_UNAVAILABLE"],
  },
} satisfies RouteTable;

export const IDENTITY_ROUTES = {
  me: {
    method: "get",
    path: "/me",
    summary: "The verified caller",
    success: { status: 200, description: "The caller", schema: "Me" },
  },
} satisfies RouteTable;

// Every signed-in operation can also fail closed with 503 SERVICE_UNAVAILABLE: its session or access
// token cannot be checked, or the database cannot be reached.
const AUTH_ERRORS = [
  "UNAUTHENTICATED",
  "INVALID_TOKEN",
  "AUTH_UNAVAILABLE",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
] as const;

export const MOUNTS = {
  identity: { prefix: "/api", table: IDENTITY_ROUTES, tag: "identity", secured: true, errors: AUTH_ERRORS },
  tasks: { prefix: "/api/tasks", table: TASK_ROUTES, tag: "tasks", secured: true, errors: AUTH_ERRORS },
  /** The `/api/{user_id}/tasks` scheme: the same operations, for the caller's own id only. */
  userTasks: {
    prefix: "/api/:user_id/tasks",
    table: TASK_ROUTES,
    tag: "compatibility",
    secured: true,
    errors: [...AUTH_ERRORS, "FORBIDDEN"],
  },
  /**
   * A team's tasks (decision 016): the caller must be a member of the team (else 404, as for a
   * missing team), and a viewer may only read (403); the membership read can fail closed (503).
   */
  teamTasks: {
    prefix: "/api/teams/:teamId/tasks",
    table: TEAM_TASK_ROUTES,
    tag: "teams",
    secured: true,
    errors: [...AUTH_ERRORS, "TEAM_NOT_FOUND", "FORBIDDEN"],
  },
  service: { prefix: "", table: SERVICE_ROUTES, tag: "operations", secured: false },
} satisfies Record<string, Mount>;

/**
 * Every operation the API serves, in the order the OpenAPI document lists them. The app mounts
 * each of these (app.ts); the document (docs/openapi.ts) describes exactly these.
 */
export const DOCUMENTED_MOUNTS: Mount[] = [
  MOUNTS.identity,
  MOUNTS.tasks,
  MOUNTS.userTasks,
  MOUNTS.teamTasks,
  MOUNTS.service,
];
