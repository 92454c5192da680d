import type { RouteTable } from "../http/route-table.ts";
import { TASK_ROUTES } from "../tasks/tasks.table.ts";

const theTeamTask = { status: 200, description: "The team's task", schema: "TeamTask" };

/**
 * A team's task operations, relative to `/api/teams/:teamId/tasks`: the personal operations
 * (tasks.table.ts) with the same paths, parameters and errors, over team tasks and their bodies
 * (decision 016). The router (team-tasks.routes.ts) and the OpenAPI document are both built from
 * this table.
 */
export const TEAM_TASK_ROUTES = {
  listTasks: {
    ...TASK_ROUTES.listTasks,
    summary: "List the team's tasks (keyset-paginated)",
    success: { status: 200, description: "A page of the team's tasks", schema: "TeamTaskPage" },
  },
  createTask: {
    ...TASK_ROUTES.createTask,
    summary: "Create a task in the team (members and above)",
    body: "CreateTeamTask",
    success: { ...TASK_ROUTES.createTask.success, schema: "TeamTask" },
  },
  taskStats: { ...TASK_ROUTES.taskStats, summary: "Count the team's tasks by status" },
  getTask: { ...TASK_ROUTES.getTask, summary: "Get a team's task", success: theTeamTask },
  updateTask: {
    ...TASK_ROUTES.updateTask,
    summary: "Update some fields of a team's task (members and above)",
    body: "UpdateTeamTask",
    success: theTeamTask,
  },
  replaceTask: {
    ...TASK_ROUTES.replaceTask,
    summary: "Replace a team's task; omitted optional fields reset to defaults (members and above)",
    body: "ReplaceTeamTask",
    success: theTeamTask,
  },
  deleteTask: { ...TASK_ROUTES.deleteTask, summary: "Delete a team's task (members and above)" },
  toggleTask: {
    ...TASK_ROUTES.toggleTask,
    summary: "Toggle completion of a team's task (members and above)",
    success: theTeamTask,
  },
} satisfies RouteTable;
