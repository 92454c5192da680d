import {
  CreateTeamTaskSchema,
  ListTasksQuerySchema,
  ReplaceTeamTaskSchema,
  TaskStatsQuerySchema,
  UpdateTeamTaskSchema,
} from "@tandem/contracts";
import type { TandemDb } from "@tandem/db";
import type { Context } from "hono";
import { ApiError } from "../errors.ts";
import { readJson } from "../http/json-body.ts";
import { readQuery } from "../http/query-string.ts";
import { routerOf } from "../http/route-table.ts";
import { TaskNotFoundError } from "../tasks/tasks.errors.ts";
import { isTaskId, taskId } from "../tasks/tasks.routes.ts";
import { setResponseHeader } from "../http/node-headers.ts";
import type { AppEnv } from "../types.ts";
import { teamNotFound } from "./team-access.ts";
import {
  createTeamTask,
  deleteTeamTask,
  getTeamTask,
  isTeamMember,
  listTeamTasks,
  replaceTeamTask,
  teamTaskStats,
  toggleTeamTask,
  updateTeamTask,
} from "./team-tasks.queries.ts";
import { teamTaskPageJson, type TeamTaskRow, toTeamTask } from "./team-tasks.serializer.ts";
import { TEAM_TASK_ROUTES } from "./teams.table.ts";

type Db = Pick<TandemDb, "db" | "dialect">;

/** An assignee who is not a member of the team is invalid input, reported on its field. */
function assigneeNotMember(): ApiError {
  return new ApiError("VALIDATION_FAILED", {
    detail: "The request body is invalid",
    errors: [{ path: "body.assigneeId", message: "Not a member of this team" }],
  });
}

function found(row: TeamTaskRow | null): TeamTaskRow {
  if (row === null) throw new TaskNotFoundError();
  return row;
}

/**
 * A team's tasks (teams.table.ts), mounted at `/api/teams/:teamId/tasks` behind
 * `requireTeamMember`, which has checked the caller's membership and role and put the team on the
 * context. Every query is scoped to that team.
 */
export function teamTaskRoutes(database: Db) {
  const teamId = (c: Context<AppEnv>) => c.get("team").id;

  // A guarded write changed nothing: an assignee who is not a member is a 400 (input is checked
  // before the task is looked for, as the body's other fields are), anything else the missing task.
  async function refusedWrite(c: Context<AppEnv>, assigneeId: string | null | undefined): Promise<never> {
    if (typeof assigneeId === "string" && !(await isTeamMember(database, teamId(c), assigneeId))) {
      throw assigneeNotMember();
    }
    throw new TaskNotFoundError();
  }

  return routerOf(
    TEAM_TASK_ROUTES,
    {
      listTasks: async (c) => {
        const query = readQuery(c, ListTasksQuerySchema);
        const page = await listTeamTasks(database, teamId(c), query);
        return c.body(teamTaskPageJson(page), 200, { "Content-Type": "application/json" });
      },
      createTask: async (c) => {
        const input = await readJson(c, CreateTeamTaskSchema);
        const caller = c.get("identity").userId;
        const row = await createTeamTask(database, teamId(c), caller, input);
        if (row === null) {
          // The caller left (or the team went) since the cached membership answer: as any non-member.
          if (!(await isTeamMember(database, teamId(c), caller))) throw teamNotFound();
          throw assigneeNotMember();
        }
        const task = toTeamTask(row);
        setResponseHeader(c, "Location", `${c.req.path.replace(/\/+$/, "")}/${task.id}`);
        return c.json(task, 201);
      },
      taskStats: async (c) => {
        const { q } = readQuery(c, TaskStatsQuerySchema);
        return c.json(await teamTaskStats(database, teamId(c), q));
      },
      getTask: async (c) => c.json(toTeamTask(found(await getTeamTask(database, teamId(c), taskId(c))))),
      updateTask: async (c) => {
        const patch = await readJson(c, UpdateTeamTaskSchema);
        const id = c.req.param("id") ?? "";
        const row = isTaskId(id) ? await updateTeamTask(database, teamId(c), id, patch) : null;
        return c.json(toTeamTask(row ?? (await refusedWrite(c, patch.assigneeId))));
      },
      replaceTask: async (c) => {
        const input = await readJson(c, ReplaceTeamTaskSchema);
        const id = c.req.param("id") ?? "";
        const row = isTaskId(id) ? await replaceTeamTask(database, teamId(c), id, input) : null;
        return c.json(toTeamTask(row ?? (await refusedWrite(c, input.assigneeId))));
      },
      deleteTask: async (c) => {
        if (!(await deleteTeamTask(database, teamId(c), taskId(c)))) throw new TaskNotFoundError();
        return c.body(null, 204);
      },
      toggleTask: async (c) =>
        c.json(toTeamTask(found(await toggleTeamTask(database, teamId(c), taskId(c))))),
    },
    { methodNotAllowed: true },
  );
}
