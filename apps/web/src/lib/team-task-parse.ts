import type { TeamTask } from "@tandem/contracts";
import { parseTask, type TaskPage } from "@tandem/contracts/client";
import { isStringOrNull } from "./team-task";

// The task API's answers for a team's list, checked before the page relies on them, as
// @tandem/contracts/client checks the personal ones (no zod in the browser).

/** The API's team task, checked; null when the value does not have the shape. */
export function parseTeamTask(v: unknown): TeamTask | null {
  const task = parseTask(v);
  if (task === null) return null;
  const { teamId, createdBy, assigneeId } = v as Record<string, unknown>;
  if (typeof teamId !== "string" || !isStringOrNull(createdBy) || !isStringOrNull(assigneeId)) return null;
  return { ...task, teamId, createdBy, assigneeId };
}

/** A page of team tasks (its items keep their team fields). */
export function parseTeamTaskPage(v: unknown): TaskPage | null {
  if (typeof v !== "object" || v === null) return null;
  const { items, nextCursor } = v as Record<string, unknown>;
  if (!Array.isArray(items) || !isStringOrNull(nextCursor)) return null;
  const tasks: TeamTask[] = [];
  for (const item of items) {
    const task = parseTeamTask(item);
    if (task === null) return null;
    tasks.push(task);
  }
  return { items: tasks, nextCursor };
}

/** The API path of a team's task list. */
export const teamTasksPath = (teamId: string) => `/api/teams/${encodeURIComponent(teamId)}/tasks`;

/** The options that point an API client (browser or server) at a team's list. */
export const teamList = (teamId: string) => ({
  tasksPath: teamTasksPath(teamId),
  parsers: { task: parseTeamTask, page: parseTeamTaskPage },
});
