import * as z from "zod";
import {
  DEFAULT_ORDER,
  INSTANT_RANGE,
  LIMIT_DEFAULT,
  LIMIT_MAX,
  PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
} from "./rules.ts";
import { ACCESS_TOKEN_SCOPES } from "./access-tokens.ts";
import { DescriptionSchema, SearchSchema, TitleSchema } from "./text.ts";

export {
  DEFAULT_ORDER,
  LIMIT_DEFAULT,
  LIMIT_MAX,
  PRIORITIES,
  type Priority,
  type SortOrder,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskSort,
  type TaskStatus,
} from "./rules.ts";

export const PrioritySchema = z.enum(PRIORITIES).meta({ id: "Priority" });

/**
 * An instant with an explicit offset, normalised to UTC with milliseconds (`…T12:00:00.000Z`),
 * in the years 0001–9999 in UTC (see INSTANT_RANGE).
 */
export const InstantSchema = z.iso
  .datetime({ offset: true })
  .refine(INSTANT_RANGE.test, { message: INSTANT_RANGE.message })
  .transform((s) => new Date(s).toISOString())
  .describe("ISO 8601 date-time with offset; stored and returned in UTC");

export const TaskSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    priority: PrioritySchema,
    dueAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Task" });
export type Task = z.infer<typeof TaskSchema>;

const fields = {
  title: TitleSchema,
  description: DescriptionSchema.nullable(),
  completed: z.boolean(),
  priority: PrioritySchema,
  dueAt: InstantSchema.nullable(),
};

/**
 * A new task. Unknown keys (including any owner field such as `userId`) are refused: the owner
 * is always the caller. Omitted fields take their defaults (no description, not completed,
 * medium priority, no due date).
 */
export const CreateTaskSchema = z
  .strictObject({
    title: fields.title,
    description: fields.description.optional(),
    completed: fields.completed.optional(),
    priority: fields.priority.optional(),
    dueAt: fields.dueAt.optional(),
  })
  .meta({ id: "CreateTask" });
export type CreateTask = z.output<typeof CreateTaskSchema>;

/** PUT: the whole task. Omitted optional fields are reset to their defaults. */
export const ReplaceTaskSchema = CreateTaskSchema.meta({ id: "ReplaceTask" });
export type ReplaceTask = CreateTask;

/** PATCH: any subset of the fields, at least one. */
export const UpdateTaskSchema = z
  .strictObject({
    title: fields.title.optional(),
    description: fields.description.optional(),
    completed: fields.completed.optional(),
    priority: fields.priority.optional(),
    dueAt: fields.dueAt.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: "At least one field must be given",
  })
  .meta({ id: "UpdateTask" });
export type UpdateTask = z.output<typeof UpdateTaskSchema>;

// Query strings are text; integers are parsed from digits only (no "1e2", " 5", "0x10").
const LimitSchema = z
  .string()
  .regex(/^[0-9]{1,6}$/, "limit must be a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1, "limit must be at least 1"))
  .transform((n) => Math.min(n, LIMIT_MAX))
  .describe(`Page size, 1–${LIMIT_MAX} (larger values are clamped to ${LIMIT_MAX})`);

const searchQuery = SearchSchema.transform((s) => (s === "" ? undefined : s)).describe(
  "Case-insensitive substring of the title or description",
);

/** `GET /api/tasks` query. Unknown parameters (e.g. `userId`) are refused. */
export const ListTasksQuerySchema = z
  .strictObject({
    status: z.enum(TASK_STATUSES).default("all"),
    q: searchQuery.optional(),
    sort: z.enum(TASK_SORTS).default("created"),
    order: z.enum(["asc", "desc"]).optional(),
    limit: LimitSchema.optional(),
    cursor: z.string().max(4096).optional().describe("`nextCursor` of the previous page"),
  })
  .transform((q) => ({
    ...q,
    order: q.order ?? DEFAULT_ORDER[q.sort],
    limit: q.limit ?? LIMIT_DEFAULT,
  }));
export type ListTasksQuery = z.output<typeof ListTasksQuerySchema>;

export const TaskStatsQuerySchema = z.strictObject({ q: searchQuery.optional() });
export type TaskStatsQuery = z.output<typeof TaskStatsQuerySchema>;

export const TaskPageSchema = z
  .object({
    items: z.array(TaskSchema),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page"),
  })
  .meta({ id: "TaskPage" });
export type TaskPage = z.infer<typeof TaskPageSchema>;

export const TaskStatsSchema = z
  .object({ all: z.number().int(), active: z.number().int(), completed: z.number().int() })
  .meta({ id: "TaskStats" });
export type TaskStats = z.infer<typeof TaskStatsSchema>;

export const MeSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    via: z
      .enum(["session", "access_token"])
      .describe("What the bearer token was: the web app's JWT, or a personal access token"),
    scope: z
      .enum(ACCESS_TOKEN_SCOPES)
      .nullable()
      .describe("A personal access token's scope (`read` may not write); null for a session's token"),
    amr: z
      .array(z.string())
      .describe(
        "How the user signed in (RFC 8176: `pwd`, `otp`, `hwk`, `swk`, `fed`, `mfa`); empty for a personal access token",
      ),
    authTime: z
      .string()
      .nullable()
      .describe(
        "When the user signed in (the token's `auth_time`), ISO 8601 UTC; null for a personal access token",
      ),
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof MeSchema>;
