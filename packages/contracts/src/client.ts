// `@tandem/contracts/client`: what the browser needs of the contracts, without zod. The checks
// below are built from the same rules as the zod schemas (rules.ts); client.test.ts runs both
// over the same inputs and fails if they disagree.
import type { FieldError, Problem } from "./errors.ts";
import {
  ERROR_CODES,
  INSTANT_RANGE,
  PRIORITIES,
  type Priority,
  type Rule,
  TITLE,
  DESCRIPTION,
  textRules,
} from "./rules.ts";
import type { CreateTask, Task, TaskPage, TaskStats } from "./tasks.ts";

export * from "./rules.ts";
export type { CreateTask, FieldError, Problem, Task, TaskPage, TaskStats };
export type { Me, UpdateTask } from "./tasks.ts";

type Issue = { path: keyof CreateTask; message: string };

const titleRules = textRules(TITLE);
const descriptionRules = textRules(DESCRIPTION);
// zod 4's pattern for z.iso.datetime({ offset: true }), InstantSchema's format (the parity test
// fails if zod's changes).
const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const PRIORITY_MESSAGE = `Invalid option: expected one of ${PRIORITIES.map((p) => JSON.stringify(p)).join("|")}`;

function firstBroken<T>(rules: Rule<T>[], value: T): string | undefined {
  return rules.find((rule) => !rule.test(value))?.message;
}

/**
 * The task forms' fields checked as the API's CreateTaskSchema checks them: the trimmed values,
 * or the first problem (the same field and message as the API's first one).
 */
export function checkTaskFields(fields: {
  title: string;
  description?: string | null;
  priority?: Priority;
  dueAt?: string | null;
}): { success: true; data: CreateTask } | { success: false; issue: Issue } {
  const title = fields.title.trim();
  const titleProblem = firstBroken(titleRules, title);
  if (titleProblem) return { success: false, issue: { path: "title", message: titleProblem } };
  const description = typeof fields.description === "string" ? fields.description.trim() : fields.description;
  const descriptionProblem =
    typeof description === "string" ? firstBroken(descriptionRules, description) : undefined;
  if (descriptionProblem)
    return { success: false, issue: { path: "description", message: descriptionProblem } };
  if (fields.priority !== undefined && !PRIORITIES.includes(fields.priority)) {
    return { success: false, issue: { path: "priority", message: PRIORITY_MESSAGE } };
  }
  let { dueAt } = fields;
  if (typeof dueAt === "string") {
    if (!ISO_DATETIME.test(dueAt)) {
      return { success: false, issue: { path: "dueAt", message: "Invalid ISO datetime" } };
    }
    if (!INSTANT_RANGE.test(dueAt)) {
      return { success: false, issue: { path: "dueAt", message: INSTANT_RANGE.message } };
    }
    dueAt = new Date(dueAt).toISOString();
  }
  return {
    success: true,
    data: {
      title,
      ...(description === undefined ? {} : { description }),
      ...(fields.priority === undefined ? {} : { priority: fields.priority }),
      ...(dueAt === undefined ? {} : { dueAt }),
    },
  };
}

// Answers of the API, checked before the page relies on them. Each returns a fresh object with only
// the contract's fields (as zod's parse does), or null when the value does not have the shape.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

export function parseTask(v: unknown): Task | null {
  if (
    !isObject(v) ||
    !isString(v.id) ||
    !isString(v.title) ||
    !isStringOrNull(v.description) ||
    typeof v.completed !== "boolean" ||
    !PRIORITIES.includes(v.priority as Priority) ||
    !isStringOrNull(v.dueAt) ||
    !isStringOrNull(v.completedAt) ||
    !isString(v.createdAt) ||
    !isString(v.updatedAt)
  ) {
    return null;
  }
  return {
    id: v.id,
    title: v.title,
    description: v.description,
    completed: v.completed,
    priority: v.priority as Priority,
    dueAt: v.dueAt,
    completedAt: v.completedAt,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

export function parseTaskPage(v: unknown): TaskPage | null {
  if (!isObject(v) || !Array.isArray(v.items) || !isStringOrNull(v.nextCursor)) return null;
  const items: Task[] = [];
  for (const item of v.items) {
    const task = parseTask(item);
    if (task === null) return null;
    items.push(task);
  }
  return { items, nextCursor: v.nextCursor };
}

export function parseTaskStats(v: unknown): TaskStats | null {
  if (!isObject(v) || !isInt(v.all) || !isInt(v.active) || !isInt(v.completed)) return null;
  return { all: v.all, active: v.active, completed: v.completed };
}

function parseFieldError(v: unknown): FieldError | null {
  return isObject(v) && isString(v.path) && isString(v.message) ? { path: v.path, message: v.message } : null;
}

export function parseProblem(v: unknown): Problem | null {
  if (
    !isObject(v) ||
    !isString(v.type) ||
    !isString(v.title) ||
    !isInt(v.status) ||
    !isString(v.code) ||
    !Object.hasOwn(ERROR_CODES, v.code)
  ) {
    return null;
  }
  for (const key of ["detail", "instance", "requestId"] as const) {
    if (v[key] !== undefined && !isString(v[key])) return null;
  }
  let errors: FieldError[] | undefined;
  if (v.errors !== undefined) {
    if (!Array.isArray(v.errors)) return null;
    errors = [];
    for (const e of v.errors) {
      const fieldError = parseFieldError(e);
      if (fieldError === null) return null;
      errors.push(fieldError);
    }
  }
  return {
    type: v.type,
    title: v.title,
    status: v.status,
    code: v.code as Problem["code"],
    ...(v.detail === undefined ? {} : { detail: v.detail as string }),
    ...(v.instance === undefined ? {} : { instance: v.instance as string }),
    ...(v.requestId === undefined ? {} : { requestId: v.requestId as string }),
    ...(errors === undefined ? {} : { errors }),
  };
}
