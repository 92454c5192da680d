import type { TeamTask, TeamTaskPage } from "@tandem/contracts";
import { type RawBuilder, sql } from "kysely";
import {
  type JsonText,
  type ListPage,
  pageJson,
  sqliteTaskFields,
  TASK_COLUMNS,
  type TaskRow,
  toTask,
} from "../tasks/tasks.serializer.ts";

/**
 * A team's task as the queries read it: the task's columns plus its team (never null on a team
 * row: the owner CHECK), its author and its assignee.
 */
export type TeamTaskRow = TaskRow & {
  team_id: string;
  created_by: string | null;
  assignee_id: string | null;
};

export const TEAM_TASK_COLUMNS = [...TASK_COLUMNS, "team_id", "created_by", "assignee_id"] as const;

export type TeamTaskListPage = ListPage<TeamTaskRow, TeamTask>;

/** `sqliteTaskJson` with the team fields: a listed team task's JSON, built by SQLite (decision 007). */
export const sqliteTeamTaskJson: RawBuilder<JsonText<TeamTask>> = sql`json_object(${sqliteTaskFields()},
  'teamId', team_id, 'createdBy', created_by, 'assigneeId', assignee_id)`;

/** A row as the API's `TeamTask`. */
export function toTeamTask(row: TeamTaskRow): TeamTask {
  return {
    ...toTask(row),
    teamId: row.team_id,
    createdBy: row.created_by,
    assigneeId: row.assignee_id,
  };
}

export function teamTaskPageJson(page: TeamTaskListPage): JsonText<TeamTaskPage> {
  return pageJson(page, toTeamTask);
}
