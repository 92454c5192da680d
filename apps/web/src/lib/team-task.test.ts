import type { TeamTask } from "@tandem/contracts";
import type { Task } from "@tandem/contracts/client";
import { describe, expect, it } from "vitest";
import { teamFieldsOf } from "./team-task";
import { parseTeamTask, parseTeamTaskPage, teamList } from "./team-task-parse";

const TASK: Task = {
  id: "t1",
  title: "Book the venue",
  description: null,
  completed: false,
  priority: "medium",
  dueAt: null,
  completedAt: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const TEAM_TASK: TeamTask = { ...TASK, teamId: "team1", createdBy: "u1", assigneeId: null };

describe("team tasks in the browser", () => {
  it("keeps a team task's team fields, and only the contract's fields", () => {
    expect(parseTeamTask({ ...TEAM_TASK, userId: "leak" })).toEqual(TEAM_TASK);
    expect(parseTeamTask({ ...TEAM_TASK, createdBy: null, assigneeId: "u2" })).toMatchObject({
      createdBy: null,
      assigneeId: "u2",
    });
  });

  it("refuses a personal task or a malformed one where a team's is expected", () => {
    expect(parseTeamTask(TASK)).toBeNull();
    expect(parseTeamTask({ ...TEAM_TASK, createdBy: 7 })).toBeNull();
    expect(parseTeamTaskPage({ items: [TEAM_TASK, TASK], nextCursor: null })).toBeNull();
    expect(parseTeamTaskPage({ items: [TEAM_TASK], nextCursor: "c" })).toEqual({
      items: [TEAM_TASK],
      nextCursor: "c",
    });
  });

  it("reads the team fields back from a task the screen holds, null for a personal one", () => {
    expect(teamFieldsOf(TEAM_TASK)).toEqual({ teamId: "team1", createdBy: "u1", assigneeId: null });
    expect(teamFieldsOf(TASK)).toBeNull();
  });

  it("points a client at the team's routes", () => {
    expect(teamList("a/b").tasksPath).toBe("/api/teams/a%2Fb/tasks");
  });
});
