import * as z from "zod";
import { type TextKind, textRules } from "./rules.ts";
import { CreateTaskSchema, TaskSchema, UpdateTaskSchema } from "./tasks.ts";

/**
 * A team's roles, lowest first. Viewers read the team's tasks; members also write them; admins
 * also manage members below owner and invitations; the one owner also renames, transfers and
 * deletes the team (decision 016).
 */
export const TEAM_ROLES = ["viewer", "member", "admin", "owner"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Roles an invitation or a role change may give: ownership only moves by a transfer. */
export const ASSIGNABLE_TEAM_ROLES = ["viewer", "member", "admin"] as const satisfies readonly TeamRole[];
export type AssignableTeamRole = (typeof ASSIGNABLE_TEAM_ROLES)[number];

export const TEAM_NAME_MAX = 60;
const TEAM_NAME: TextKind = { min: 1, max: TEAM_NAME_MAX, singleLine: true, label: "Team name" };

/** Why a team name (trimmed first) is refused, or null when it is fine. */
export function teamNameProblem(name: string): string | null {
  const trimmed = name.trim();
  return textRules(TEAM_NAME).find((rule) => !rule.test(trimmed))?.message ?? null;
}

/** True when `role` may create, edit, complete and delete the team's tasks. */
export function canWriteTeamTasks(role: TeamRole): boolean {
  return role !== "viewer";
}

/**
 * The role a stored membership grants. Better Auth stores a comma-separated list; Tandem only ever
 * writes one role, and anything it does not know grants nothing (null), so a hand-edited row fails
 * closed.
 */
export function parseTeamRole(stored: string): TeamRole | null {
  const roles = stored.split(",").map((r) => r.trim());
  let best: TeamRole | null = null;
  for (const role of roles) {
    const rank = TEAM_ROLES.indexOf(role as TeamRole);
    if (rank >= 0 && (best === null || rank > TEAM_ROLES.indexOf(best))) best = TEAM_ROLES[rank] ?? null;
  }
  return best;
}

/** Team ids are Better Auth ids; anything else names no team (404, as a missing team). */
export const TEAM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const assigneeId = z
  .string()
  .regex(TEAM_ID_PATTERN, "assigneeId must be a user id")
  .nullable()
  .describe("A current member of the team, or null for nobody");

/** A team's task: a task plus the team, who created it (null once that account is gone) and the assignee. */
export const TeamTaskSchema = TaskSchema.extend({
  teamId: z.string(),
  createdBy: z.string().nullable(),
  assigneeId: z.string().nullable(),
}).meta({ id: "TeamTask" });
export type TeamTask = z.infer<typeof TeamTaskSchema>;

export const CreateTeamTaskSchema = CreateTaskSchema.extend({ assigneeId: assigneeId.optional() }).meta({
  id: "CreateTeamTask",
});
export type CreateTeamTask = z.output<typeof CreateTeamTaskSchema>;

export const ReplaceTeamTaskSchema = CreateTeamTaskSchema.meta({ id: "ReplaceTeamTask" });
export type ReplaceTeamTask = CreateTeamTask;

export const UpdateTeamTaskSchema = z
  .strictObject({ ...UpdateTaskSchema.shape, assigneeId: assigneeId.optional() })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: "At least one field must be given",
  })
  .meta({ id: "UpdateTeamTask" });
export type UpdateTeamTask = z.output<typeof UpdateTeamTaskSchema>;

export const TeamTaskPageSchema = z
  .object({
    items: z.array(TeamTaskSchema),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  })
  .meta({ id: "TeamTaskPage" });
export type TeamTaskPage = z.infer<typeof TeamTaskPageSchema>;
