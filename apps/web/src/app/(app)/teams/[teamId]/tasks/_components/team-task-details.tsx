import type { Task } from "@tandem/contracts/client";
import { teamFieldsOf } from "@/lib/team-task";

/** The user ids a team's tasks mention (creators and assignees). */
export function mentionedIds(tasks: readonly Task[]): string[] {
  const ids = new Set<string>();
  for (const task of tasks) {
    const team = teamFieldsOf(task);
    if (team?.createdBy) ids.add(team.createdBy);
    if (team?.assigneeId) ids.add(team.assigneeId);
  }
  return [...ids];
}

/**
 * Who created a team's task and who it is assigned to, by name. Someone who is not a current member
 * (they left, were removed, or deleted their account) is "a former member": names are not stored
 * with the task, the page has them from the member list.
 */
export function TeamTaskDetails({ task, names }: { task: Task; names: ReadonlyMap<string, string> }) {
  const team = teamFieldsOf(task);
  if (team === null) return null;
  const name = (id: string | null) => (id === null ? undefined : names.get(id)) ?? "a former member";
  return (
    <>
      <span>{`Created by ${name(team.createdBy)}`}</span>
      {team.assigneeId === null ? null : <span>{`Assigned to ${name(team.assigneeId)}`}</span>}
    </>
  );
}
