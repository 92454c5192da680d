"use client";

import type { TeamRole, TeamTask } from "@tandem/contracts";
import { useMemo, useRef, useState } from "react";
import type { TaskView } from "@/app/(app)/tasks/_components/task-helpers";
import { type TaskListExtras, TaskListExtrasContext } from "@/app/(app)/tasks/_components/task-list-extras";
import { TaskScreen } from "@/app/(app)/tasks/_components/task-screen";
import styles from "@/app/(app)/tasks/_components/tasks.module.css";
import { useTaskClient } from "@/app/(app)/tasks/_components/use-task-client";
import { useTasks } from "@/app/(app)/tasks/_components/use-tasks";
import type { ApiError } from "@/lib/api-client";
import type { InitialTasks } from "@/lib/initial-tasks";
import { teamList } from "@/lib/team-task-parse";
import { REMOVED_URL, teamSettingsUrl } from "@/lib/teams";
import teamStyles from "../../../teams.module.css";
import { mentionedIds, TeamTaskDetails } from "./team-task-details";
import { useTeamSync } from "./use-team-sync";

export interface TeamTasksAppProps {
  apiUrl: string;
  initial: InitialTasks;
  initialView: TaskView;
  team: { id: string; name: string; role: TeamRole; members: { userId: string; name: string }[] };
  /** The signed-in user: the creator of the tasks they add. */
  userId: string;
}

const VIEWER_NOTE = "You can view this team's tasks but not change them.";

/** Removed from the team (or it was deleted): back to the personal list, which says why. */
const leave = () => window.location.assign(REMOVED_URL);

/**
 * A team's task list: the personal list's screen on the team's API routes, with who created each
 * task and its assignee, read-only for viewers, and kept current while it is open.
 */
export function TeamTasksApp({ apiUrl, initial, initialView, team, userId }: TeamTasksAppProps) {
  const [role, setRole] = useState(team.role);
  const [members, setMembers] = useState(team.members);
  // Why the last change was refused (the role was lowered to viewer meanwhile).
  const [refusal, setRefusal] = useState<string | null>(null);
  // The membership check (useTeamSync), for the task client's refusals.
  const checkMembership = useRef<(apiSaysGone: boolean) => Promise<void>>(async () => undefined);

  const { client, sessionEnded } = useTaskClient(apiUrl, {
    ...teamList(team.id),
    onError: (error: ApiError) => {
      // Gone for the API; the database decides whether it is a removal or the API's short memory
      // of a membership that has only just begun.
      if (error.code === "TEAM_NOT_FOUND") void checkMembership.current(true);
      else if (error.code === "FORBIDDEN") {
        // Only a viewer's writes are refused (decision 016): the list turns read-only at once.
        setRole("viewer");
        setRefusal(
          `Not saved: ${(error.detail ?? "Viewers can read this team's tasks but not change them").replace(/\.$/, "")}.`,
        );
      }
    },
  });
  const tasks = useTasks(client, initial, initialView, {
    decorate: (temp) => {
      const shown: TeamTask = { ...temp, teamId: team.id, createdBy: userId, assigneeId: null };
      return shown;
    },
  });

  const names = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members]);
  checkMembership.current = useTeamSync({
    teamId: team.id,
    refresh: tasks.refresh,
    unknownIds: mentionedIds(tasks.items).filter((id) => !names.has(id)),
    onSnapshot: (snapshot) => {
      setMembers(snapshot.members);
      setRole(snapshot.role);
      if (snapshot.role !== "viewer") setRefusal(null);
    },
    onRemoved: leave,
  }).syncTeam;

  const readOnly = role === "viewer";
  const extras = useMemo<TaskListExtras>(
    () => ({
      readOnly,
      assignees: members,
      details: (task) => <TeamTaskDetails task={task} names={names} />,
    }),
    [readOnly, members, names],
  );

  return (
    <TaskListExtrasContext value={extras}>
      <TaskScreen
        tasks={tasks}
        sessionEnded={sessionEnded}
        readOnly={readOnly}
        title={
          <div className={teamStyles.titleBlock}>
            <h1 className={styles.title}>{team.name}</h1>
            <p className={teamStyles.subtitle}>
              Your role: <strong>{role}</strong>
              <span aria-hidden="true"> · </span>
              <a href={teamSettingsUrl(team.id)}>Team settings</a>
            </p>
          </div>
        }
        notes={
          <>
            {refusal && (
              <p role="alert" className="alert alert-error">
                {refusal}
              </p>
            )}
            {readOnly && <p className={teamStyles.note}>{VIEWER_NOTE}</p>}
          </>
        }
      />
    </TaskListExtrasContext>
  );
}
