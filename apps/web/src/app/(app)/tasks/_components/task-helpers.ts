import type { UpdateTeamTask } from "@tandem/contracts";
import {
  type Priority,
  SEARCH_MAX,
  type Task,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskSort,
  type TaskStats,
  type TaskStatus,
  type UpdateTask,
} from "@tandem/contracts/client";
import { ApiError, ApiUnreachableError, SessionEndedError } from "@/lib/api-client";

// Pure helpers shared by the tasks components (and the server page, for reading the URL).

/** What the list shows; mirrored in the URL so a reload or a return from sign-in lands on it. */
export interface TaskView {
  status: TaskStatus;
  q: string;
  sort: TaskSort;
}

/** A change to a task; a team's task may also change its assignee. */
export type TaskPatch = UpdateTask | UpdateTeamTask;

export const PAGE_SIZE = 20;
/** The "New task" input, where focus goes when the row it was on disappears. */
export const NEW_TASK_INPUT_ID = "new-task-title";
export const DEFAULT_VIEW: TaskView = { status: "all", q: "", sort: "created" };

export const PRIORITY_LABELS: Record<Priority, string> = { low: "Low", medium: "Medium", high: "High" };

export const SORT_LABELS: Record<TaskSort, string> = {
  created: "Newest",
  due: "Due date",
  priority: "Priority",
  title: "Title",
};

type RawParams = Record<string, string | string[] | undefined>;

/** The view named by `?status=&q=&sort=`; anything unknown falls back to the default. */
export function viewFromParams(params: RawParams | URLSearchParams): TaskView {
  const get = (key: string) => {
    const value = params instanceof URLSearchParams ? params.get(key) : params[key];
    return typeof value === "string" ? value : undefined;
  };
  const status = get("status");
  const sort = get("sort");
  return {
    status: (TASK_STATUSES as readonly string[]).includes(status ?? "") ? (status as TaskStatus) : "all",
    q: (get("q") ?? "").trim().slice(0, SEARCH_MAX),
    sort: (TASK_SORTS as readonly string[]).includes(sort ?? "") ? (sort as TaskSort) : "created",
  };
}

/** The query string for a view, leaving defaults out so `/tasks` stays `/tasks`. */
export function viewToSearch(view: TaskView): string {
  const search = new URLSearchParams();
  if (view.status !== "all") search.set("status", view.status);
  if (view.q.trim()) search.set("q", view.q.trim());
  if (view.sort !== "created") search.set("sort", view.sort);
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The API's list parameters for a view (default order per sort, as the API defines it). */
export function listParams(view: TaskView, cursor?: string) {
  const q = view.q.trim();
  return {
    ...(view.status === "all" ? {} : { status: view.status }),
    ...(q ? { q } : {}),
    ...(view.sort === "created" ? {} : { sort: view.sort }),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
}

/** Whether a task belongs in the view's list (the search is the API's: case-insensitive substring). */
export function matchesView(task: Task, view: TaskView, ignoreSearch = false): boolean {
  if (view.status === "active" && task.completed) return false;
  if (view.status === "completed" && !task.completed) return false;
  const q = view.q.trim().toLowerCase();
  if (!q || ignoreSearch) return true;
  return task.title.toLowerCase().includes(q) || (task.description ?? "").toLowerCase().includes(q);
}

/** The view the counts are for: the API's stats follow the search but not the status filter. */
export const statsView = (view: TaskView): TaskView => ({ ...view, status: "all" });

const PRIORITY_RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2 };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The API's order for each sort with its default direction, so a new task lands where a reload puts it. */
export function compareTasks(sort: TaskSort, a: Task, b: Task): number {
  switch (sort) {
    case "created":
      return cmp(b.createdAt, a.createdAt) || cmp(b.id, a.id);
    case "due":
      if ((a.dueAt === null) !== (b.dueAt === null)) return a.dueAt === null ? 1 : -1;
      return cmp(a.dueAt ?? "", b.dueAt ?? "") || cmp(a.id, b.id);
    case "priority":
      return (
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        cmp(b.createdAt, a.createdAt) ||
        cmp(b.id, a.id)
      );
    case "title":
      return cmp(a.title.toLowerCase(), b.title.toLowerCase()) || cmp(a.id, b.id);
  }
}

/** The list with `task` inserted in sort order (at the end if it sorts after every loaded task). */
export function insertSorted(items: Task[], task: Task, sort: TaskSort): Task[] {
  const index = items.findIndex((t) => compareTasks(sort, task, t) < 0);
  return index === -1 ? [...items, task] : [...items.slice(0, index), task, ...items.slice(index)];
}

/** The list with `task` put back at `index` (or where it sorts), unless it is already there. */
export function restoreAt(items: Task[], task: Task, index: number): Task[] {
  if (items.some((t) => t.id === task.id)) return items.map((t) => (t.id === task.id ? task : t));
  const at = Math.min(Math.max(index, 0), items.length);
  return [...items.slice(0, at), task, ...items.slice(at)];
}

/** Counts moved by `sign` × one task in the given state. */
export function shiftStats(stats: TaskStats, completed: boolean, sign: 1 | -1): TaskStats {
  return {
    all: Math.max(0, stats.all + sign),
    active: Math.max(0, stats.active + (completed ? 0 : sign)),
    completed: Math.max(0, stats.completed + (completed ? sign : 0)),
  };
}

/** `yyyy-mm-dd` for a date input, in the browser's time zone; empty for none. */
export function isoToDateInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${String(d.getFullYear()).padStart(4, "0")}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A date input's value as an instant: local midnight of that day, in ISO with offset (the API
 * stores instants). Null for an empty or malformed value.
 */
export function dateInputToIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // new Date(y, …) maps years 0–99 to 1900–1999; set the year explicitly.
  date.setFullYear(Number(match[1]));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** "Today", "Tomorrow", "Yesterday" or a short date, and whether it is overdue. Browser-only. */
export function describeDue(iso: string, now = new Date()): { label: string; overdue: boolean } {
  const due = new Date(iso);
  const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOfDay(due) - startOfDay(now)) / 86_400_000);
  const relative: Record<string, string> = { "-1": "Yesterday", "0": "Today", "1": "Tomorrow" };
  const label =
    relative[String(days)] ??
    due.toLocaleDateString(undefined, {
      month: "short",
      day: "numeric",
      ...(due.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
    });
  return { label, overdue: days < 0 };
}

/** What to tell the user about a failed request. */
export function describeError(error: unknown): string {
  if (error instanceof SessionEndedError) return "Your session has ended — please sign in again.";
  if (error instanceof ApiUnreachableError) return "Can't reach the task service.";
  if (error instanceof ApiError) {
    if (error.fieldErrors.length > 0) return error.fieldErrors.map((e) => e.message).join(" ");
    if (error.code === "TASK_NOT_FOUND")
      return "This task no longer exists (it may have been deleted elsewhere).";
    if (error.code === "TEAM_NOT_FOUND") return "This team's list is not open to you (any more).";
    if (error.code === "RATE_LIMITED") return "Too many changes at once — wait a moment and try again.";
    if (error.status >= 500) return "The task service is having trouble.";
    return error.detail ?? error.title;
  }
  return "Something went wrong.";
}
