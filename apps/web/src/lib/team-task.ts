import type { TeamTask } from "@tandem/contracts";
import type { Task } from "@tandem/contracts/client";

// A team's tasks in the browser: the personal task plus who created it and who it is assigned to
// (decision 016). The task screen holds them as `Task` (a team task is one); the team's parts of
// the screen read the extra fields back with `teamFieldsOf`. Kept apart from the parsers
// (team-task-parse.ts), which the personal list's page has no use for.

export type TeamFields = Pick<TeamTask, "teamId" | "createdBy" | "assigneeId">;

export const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";

/** The team fields of a task, or null for a personal task. */
export function teamFieldsOf(task: Task): TeamFields | null {
  if (!("teamId" in task) || !("createdBy" in task) || !("assigneeId" in task)) return null;
  const { teamId, createdBy, assigneeId } = task;
  if (typeof teamId !== "string" || !isStringOrNull(createdBy) || !isStringOrNull(assigneeId)) return null;
  return { teamId, createdBy, assigneeId };
}
