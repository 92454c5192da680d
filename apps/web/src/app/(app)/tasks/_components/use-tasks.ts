"use client";

import { type CreateTask, LIMIT_MAX, type Task } from "@tandem/contracts/client";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { type ApiClient, ApiError, isServiceProblem, SessionEndedError } from "@/lib/api-client";
import type { InitialTasks } from "@/lib/initial-tasks";
import {
  describeError,
  listParams,
  matchesView,
  PAGE_SIZE,
  statsView,
  type TaskPatch,
  type TaskView,
  viewToSearch,
} from "./task-helpers";
import { initialTasksState, type Notice, tasksReducer } from "./tasks-state";
import { usePendingDeletes } from "./use-pending-deletes";

const SEARCH_DEBOUNCE_MS = 300;
// While the banner shows, look again now and then, so the list recovers without a click.
const AUTO_RETRY_MS = 15_000;

let tempIds = 0;

const isVanished = (error: unknown) => error instanceof ApiError && error.code === "TASK_NOT_FOUND";

export interface UseTasksOptions {
  /** Completes a task shown before the API has saved it (a team's task: who created it). */
  decorate?: (temp: Task) => Task;
}

/**
 * The tasks page: the state (tasks-state.ts) plus the requests that change it, with optimistic
 * changes that roll back when the API refuses. Creating and editing reject with the API's error so
 * the form can keep what was typed and show why.
 */
export function useTasks(
  client: ApiClient,
  initial: InitialTasks,
  initialView: TaskView,
  options: UseTasksOptions = {},
) {
  const ok = "page" in initial;
  const [state, dispatch] = useReducer(tasksReducer, undefined, () =>
    initialTasksState(initial, initialView),
  );

  // Refs for what async callbacks must read at the time they finish, not when they started.
  const viewRef = useRef(initialView);
  const loadAbort = useRef<AbortController | null>(null);
  // Counts the user's changes, so a background refresh that raced one is dropped, not shown.
  const changes = useRef(0);

  const say = useCallback(
    (text: string, tone: Notice["tone"] = "error") =>
      dispatch({ type: "noticed", notice: { id: Date.now(), text, tone } }),
    [],
  );

  /** Banner for outages, a message for refusals, nothing while the session-ended redirect runs. */
  const report = useCallback(
    (error: unknown, what: string) => {
      if (error instanceof SessionEndedError) return;
      if (isServiceProblem(error)) dispatch({ type: "unreachable" });
      else say(`${what}: ${describeError(error)}`);
    },
    [say],
  );

  const pending = usePendingDeletes({ client, dispatch, report });
  // Stable (the undo toasts' timers depend on them), and counted as changes like the others.
  const { undoDelete: undo, commitDelete: commit } = pending;
  const undoDelete = useCallback(
    (id: string) => {
      changes.current++;
      undo(id);
    },
    [undo],
  );
  const commitDelete = useCallback(
    (id: string, keepalive?: boolean) => {
      changes.current++;
      return commit(id, keepalive);
    },
    [commit],
  );

  const load = useCallback(
    async (target: TaskView) => {
      loadAbort.current?.abort();
      const controller = new AbortController();
      loadAbort.current = controller;
      dispatch({ type: "loadStarted" });
      try {
        const q = target.q.trim();
        const [page, stats] = await Promise.all([
          client.listTasks(listParams(target), { signal: controller.signal }),
          client.stats(q ? { q } : {}, { signal: controller.signal }),
        ]);
        if (controller.signal.aborted) return;
        dispatch({ type: "loaded", page, stats });
      } catch (error) {
        if (controller.signal.aborted || error instanceof SessionEndedError) return;
        if (isServiceProblem(error)) dispatch({ type: "unreachable" });
        else dispatch({ type: "loadFailed", message: describeError(error) });
      } finally {
        if (loadAbort.current === controller) {
          loadAbort.current = null;
          dispatch({ type: "loadSettled" });
        }
      }
    },
    [client],
  );

  const changeView = useCallback(
    (partial: Partial<TaskView>) => {
      const next = { ...viewRef.current, ...partial };
      const prev = viewRef.current;
      if (next.status === prev.status && next.q.trim() === prev.q.trim() && next.sort === prev.sort) return;
      viewRef.current = next;
      dispatch({ type: "viewChanged", view: next });
      // The view lives in the URL, so a reload (or the way back from sign-in) shows the same list.
      window.history.replaceState(null, "", `${window.location.pathname}${viewToSearch(next)}`);
      void load(next);
    },
    [load],
  );

  // The server could not fetch the first page: the browser may still reach the API, so try at once.
  useEffect(() => {
    if (!ok) void load(viewRef.current);
    return () => loadAbort.current?.abort();
  }, [ok, load]);

  const { searchText, unavailable } = state;
  useEffect(() => {
    if (searchText.trim() === viewRef.current.q.trim()) return;
    const timer = setTimeout(() => changeView({ q: searchText }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchText, changeView]);

  const setSearchText = useCallback((text: string) => dispatch({ type: "searchTyped", text }), []);

  const retry = useCallback(() => void load(viewRef.current), [load]);

  useEffect(() => {
    if (!unavailable) return;
    const timer = setInterval(retry, AUTO_RETRY_MS);
    window.addEventListener("online", retry);
    return () => {
      clearInterval(timer);
      window.removeEventListener("online", retry);
    };
  }, [unavailable, retry]);

  /**
   * Fetches the list again without showing a load, for changes made elsewhere (a team's other
   * members). Skipped while anything of the user's is in flight; the tasks already shown stay,
   * however many pages were loaded.
   */
  async function refresh() {
    if (loadAbort.current || state.loadingMore || state.saving.size > 0 || state.unavailable) return;
    const target = viewRef.current;
    const started = changes.current;
    const controller = new AbortController();
    loadAbort.current = controller;
    const { signal } = controller;
    try {
      const q = target.q.trim();
      const limit = Math.min(LIMIT_MAX, Math.max(PAGE_SIZE, state.items.length));
      const [page, stats] = await Promise.all([
        client.listTasks({ ...listParams(target), limit }, { signal }),
        client.stats(q ? { q } : {}, { signal }),
      ]);
      if (!signal.aborted && changes.current === started) dispatch({ type: "loaded", page, stats });
    } catch (error) {
      if (!signal.aborted && isServiceProblem(error)) dispatch({ type: "unreachable" });
    } finally {
      if (loadAbort.current === controller) loadAbort.current = null;
    }
  }

  async function loadMore() {
    if (!state.nextCursor || state.loadingMore) return;
    changes.current++;
    const target = viewRef.current;
    dispatch({ type: "moreStarted" });
    try {
      const page = await client.listTasks(listParams(target, state.nextCursor));
      if (viewRef.current !== target) return; // the view changed meanwhile; that load wins
      dispatch({ type: "moreLoaded", page });
    } catch (error) {
      report(error, "Couldn't load more tasks");
    } finally {
      dispatch({ type: "moreSettled" });
    }
  }

  async function create(input: CreateTask): Promise<Task> {
    changes.current++;
    const target = viewRef.current;
    const now = new Date().toISOString();
    const plain: Task = {
      id: `pending-${++tempIds}`,
      title: input.title,
      description: input.description ?? null,
      completed: false,
      priority: input.priority ?? "medium",
      dueAt: input.dueAt ?? null,
      completedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const temp = options.decorate ? options.decorate(plain) : plain;
    // A new task shows even when it does not match the search: hiding what was just added confuses.
    const shown = matchesView(temp, target, true);
    const counted = matchesView(temp, statsView(target));
    dispatch({ type: "createStarted", temp, shown, counted });
    try {
      // keepalive: a reload or navigation right after "Add task" must not cancel the save.
      const task = await client.createTask(input, { keepalive: true });
      dispatch({ type: "created", tempId: temp.id, task });
      if (!shown) say(`Added “${task.title}” — it's under Active.`, "info");
      return task;
    } catch (error) {
      dispatch({ type: "createFailed", tempId: temp.id, counted });
      if (isServiceProblem(error)) dispatch({ type: "unreachable" });
      throw error;
    }
  }

  async function update(task: Task, patch: TaskPatch): Promise<Task> {
    changes.current++;
    dispatch({ type: "updateStarted", task: { ...task, ...patch, updatedAt: new Date().toISOString() } });
    try {
      const saved = await client.updateTask(task.id, patch, { keepalive: true });
      dispatch({ type: "updated", id: task.id, task: saved });
      return saved;
    } catch (error) {
      dispatch({ type: "updateFailed", original: task, vanished: isVanished(error) });
      if (isServiceProblem(error)) dispatch({ type: "unreachable" });
      throw error;
    }
  }

  async function toggle(task: Task) {
    if (state.saving.has(task.id)) return;
    changes.current++;
    const target = viewRef.current;
    const index = state.items.findIndex((t) => t.id === task.id);
    const completed = !task.completed;
    const next: Task = { ...task, completed, completedAt: completed ? new Date().toISOString() : null };
    const counted = matchesView(task, statsView(target));
    dispatch({ type: "toggleStarted", task, next, counted });
    try {
      const saved = await client.updateTask(task.id, { completed }, { keepalive: true });
      dispatch({ type: "updated", id: task.id, task: saved });
    } catch (error) {
      const restoreIndex = viewRef.current === target ? index : null;
      dispatch({ type: "toggleFailed", task, counted, vanished: isVanished(error), restoreIndex });
      report(error, `Couldn't update “${task.title}”`);
    }
  }

  function remove(task: Task) {
    changes.current++;
    pending.remove(
      task,
      state.items.findIndex((t) => t.id === task.id),
      viewRef.current.sort,
    );
  }

  return {
    ...state,
    changeView,
    setSearchText,
    dismissNotice: () => dispatch({ type: "noticed", notice: null }),
    retry,
    loadMore,
    create,
    update,
    toggle,
    remove,
    refresh,
    undoDelete,
    commitDelete,
  };
}

export type TasksState = ReturnType<typeof useTasks>;
