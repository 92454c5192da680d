import type { Task, TaskPage, TaskStats } from "@tandem/contracts/client";
import type { InitialTasks } from "@/lib/initial-tasks";
import { insertSorted, matchesView, restoreAt, shiftStats, statsView, type TaskView } from "./task-helpers";

// The tasks page's state as one pure reducer: what the list shows, its counts, and the optimistic
// changes in flight. The hooks (use-tasks.ts, use-pending-deletes.ts) do the I/O and dispatch.

export interface Notice {
  id: number;
  text: string;
  tone: "error" | "info";
}

/** A task removed from the list whose DELETE waits for the undo window to pass. */
export interface PendingDelete {
  task: Task;
  index: number;
  sort: TaskView["sort"];
}

export interface TaskListState {
  view: TaskView;
  /** What the search box holds; becomes `view.q` after a pause in typing. */
  searchText: string;
  items: Task[];
  nextCursor: string | null;
  stats: TaskStats | null;
  loading: boolean;
  loadingMore: boolean;
  /** The API cannot be reached: the banner shows and the list retries. */
  unavailable: boolean;
  listError: string | null;
  notice: Notice | null;
  /** Tasks with a save in flight. */
  saving: ReadonlySet<string>;
  /** Deletes waiting out their undo window, oldest first. */
  pendingDeletes: PendingDelete[];
}

export type TasksAction =
  | { type: "searchTyped"; text: string }
  | { type: "viewChanged"; view: TaskView }
  | { type: "loadStarted" }
  | { type: "loaded"; page: TaskPage; stats: TaskStats }
  | { type: "loadFailed"; message: string }
  | { type: "loadSettled" }
  | { type: "moreStarted" }
  | { type: "moreLoaded"; page: TaskPage }
  | { type: "moreSettled" }
  | { type: "unreachable" }
  | { type: "noticed"; notice: Notice | null }
  | { type: "createStarted"; temp: Task; shown: boolean; counted: boolean }
  | { type: "created"; tempId: string; task: Task }
  | { type: "createFailed"; tempId: string; counted: boolean }
  | { type: "updateStarted"; task: Task }
  | { type: "updated"; id: string; task: Task }
  | { type: "updateFailed"; original: Task; vanished: boolean }
  | { type: "toggleStarted"; task: Task; next: Task; counted: boolean }
  | {
      type: "toggleFailed";
      task: Task;
      counted: boolean;
      vanished: boolean;
      /** Where to put it back, when the view has not changed meanwhile. */
      restoreIndex: number | null;
    }
  | { type: "deleteStarted"; task: Task; index: number }
  | { type: "deleteTaken"; id: string }
  | { type: "deleteUndone"; pending: PendingDelete };

/** The state the server render hands over. */
export function initialTasksState(initial: InitialTasks, view: TaskView): TaskListState {
  const ok = "page" in initial;
  return {
    view,
    searchText: view.q,
    items: ok ? initial.page.items : [],
    nextCursor: ok ? initial.page.nextCursor : null,
    stats: ok ? initial.stats : null,
    loading: false,
    loadingMore: false,
    unavailable: !ok && initial.error.kind !== "failed",
    listError: !ok && initial.error.kind === "failed" ? initial.error.message : null,
    notice: null,
    saving: new Set(),
    pendingDeletes: [],
  };
}

function withSaving(saving: ReadonlySet<string>, id: string, on: boolean): ReadonlySet<string> {
  const next = new Set(saving);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

const shift = (stats: TaskStats | null, completed: boolean, sign: 1 | -1) =>
  stats && shiftStats(stats, completed, sign);

/** Whether a task counts towards the current view's numbers. */
const counts = (state: TaskListState, task: Task) => matchesView(task, statsView(state.view));

function replace(items: Task[], id: string, task: Task): Task[] {
  return items.map((t) => (t.id === id ? task : t));
}

/** Deleted elsewhere (another tab): out of the list and the counts. */
function dropVanished(state: TaskListState, task: Task): TaskListState {
  return {
    ...state,
    items: state.items.filter((t) => t.id !== task.id),
    stats: counts(state, task) ? shift(state.stats, task.completed, -1) : state.stats,
  };
}

export function tasksReducer(state: TaskListState, action: TasksAction): TaskListState {
  switch (action.type) {
    case "searchTyped":
      return { ...state, searchText: action.text };
    case "viewChanged":
      return { ...state, view: action.view };
    case "loadStarted":
      return { ...state, loading: true };
    case "loaded": {
      // Tasks waiting out their undo window are still on the server: keep them out of sight.
      const hidden = new Set(state.pendingDeletes.map((p) => p.task.id));
      const stats = state.pendingDeletes.reduce(
        (s, p) => (counts(state, p.task) ? shiftStats(s, p.task.completed, -1) : s),
        action.stats,
      );
      return {
        ...state,
        items: action.page.items.filter((t) => !hidden.has(t.id)),
        nextCursor: action.page.nextCursor,
        stats,
        unavailable: false,
        listError: null,
      };
    }
    case "loadFailed":
      return { ...state, listError: action.message };
    case "loadSettled":
      return { ...state, loading: false };
    case "moreStarted":
      return { ...state, loadingMore: true };
    case "moreLoaded": {
      const seen = new Set([...state.items, ...state.pendingDeletes.map((p) => p.task)].map((t) => t.id));
      return {
        ...state,
        items: [...state.items, ...action.page.items.filter((t) => !seen.has(t.id))],
        nextCursor: action.page.nextCursor,
        unavailable: false,
      };
    }
    case "moreSettled":
      return { ...state, loadingMore: false };
    case "unreachable":
      return { ...state, unavailable: true };
    case "noticed":
      return { ...state, notice: action.notice };

    case "createStarted":
      return {
        ...state,
        items: action.shown ? insertSorted(state.items, action.temp, state.view.sort) : state.items,
        stats: action.counted ? shift(state.stats, false, 1) : state.stats,
        saving: withSaving(state.saving, action.temp.id, true),
      };
    case "created": {
      const { items, view } = state;
      let next = items;
      if (items.some((t) => t.id === action.tempId)) next = replace(items, action.tempId, action.task);
      // A reload replaced the list meanwhile (and may already include the new task).
      else if (!items.some((t) => t.id === action.task.id) && matchesView(action.task, view, true))
        next = insertSorted(items, action.task, view.sort);
      return {
        ...state,
        items: next,
        unavailable: false,
        saving: withSaving(state.saving, action.tempId, false),
      };
    }
    case "createFailed":
      return {
        ...state,
        items: state.items.filter((t) => t.id !== action.tempId),
        stats: action.counted ? shift(state.stats, false, -1) : state.stats,
        saving: withSaving(state.saving, action.tempId, false),
      };

    case "updateStarted":
      return {
        ...state,
        items: replace(state.items, action.task.id, action.task),
        saving: withSaving(state.saving, action.task.id, true),
      };
    case "updated":
      return {
        ...state,
        items: replace(state.items, action.task.id, action.task),
        unavailable: false,
        saving: withSaving(state.saving, action.id, false),
      };
    case "updateFailed": {
      const { original } = action;
      const reverted = action.vanished
        ? dropVanished(state, original)
        : { ...state, items: replace(state.items, original.id, original) };
      return { ...reverted, saving: withSaving(state.saving, original.id, false) };
    }

    case "toggleStarted": {
      const { task, next } = action;
      // Under "Active" a task completed leaves the list at once, as it would on reload.
      const items = matchesView(next, state.view, true)
        ? replace(state.items, task.id, next)
        : state.items.filter((t) => t.id !== task.id);
      const stats = action.counted
        ? shift(shift(state.stats, task.completed, -1), next.completed, 1)
        : state.stats;
      return { ...state, items, stats, saving: withSaving(state.saving, task.id, true) };
    }
    case "toggleFailed": {
      const { task } = action;
      const completed = !task.completed;
      const restored: TaskListState = action.counted
        ? { ...state, stats: shift(shift(state.stats, completed, -1), task.completed, 1) }
        : state;
      let reverted = restored;
      if (action.vanished) reverted = dropVanished(restored, task);
      else if (action.restoreIndex !== null)
        reverted = { ...restored, items: restoreAt(restored.items, task, action.restoreIndex) };
      return { ...reverted, saving: withSaving(state.saving, task.id, false) };
    }

    case "deleteStarted": {
      const { task, index } = action;
      return {
        ...state,
        items: state.items.filter((t) => t.id !== task.id),
        stats: counts(state, task) ? shift(state.stats, task.completed, -1) : state.stats,
        pendingDeletes: [...state.pendingDeletes, { task, index, sort: state.view.sort }],
      };
    }
    case "deleteTaken":
      return { ...state, pendingDeletes: state.pendingDeletes.filter((p) => p.task.id !== action.id) };
    case "deleteUndone": {
      const { task, index, sort } = action.pending;
      const { view } = state;
      // Back in its old place, unless the list has been re-sorted since.
      const items = !matchesView(task, view, true)
        ? state.items
        : sort === view.sort
          ? restoreAt(state.items, task, index)
          : insertSorted(state.items, task, view.sort);
      return {
        ...state,
        items,
        stats: counts(state, task) ? shift(state.stats, task.completed, 1) : state.stats,
      };
    }
  }
}
