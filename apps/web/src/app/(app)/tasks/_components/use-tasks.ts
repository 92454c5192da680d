"use client";

import type { CreateTask, Task, TaskStats, UpdateTask } from "@tandem/contracts/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiClient, ApiError, isServiceProblem, SessionEndedError } from "@/lib/api-client";
import type { InitialTasks } from "@/lib/initial-tasks";
import { usePendingDeletes } from "./use-pending-deletes";
import {
  describeError,
  insertSorted,
  listParams,
  matchesView,
  restoreAt,
  shiftStats,
  statsView,
  type TaskView,
  viewToSearch,
} from "./task-helpers";

export interface Notice {
  id: number;
  text: string;
  tone: "error" | "info";
}

const SEARCH_DEBOUNCE_MS = 300;
// While the banner shows, look again now and then, so the list recovers without a click.
const AUTO_RETRY_MS = 15_000;

let tempIds = 0;

/**
 * The tasks page's state: the list for the current view, its counts, and optimistic changes that
 * roll back when the API refuses. Creating and editing reject with the API's error so the form can
 * keep what was typed and show why.
 */
export function useTasks(client: ApiClient, initial: InitialTasks, initialView: TaskView) {
  const ok = "page" in initial;
  const [view, setView] = useState(initialView);
  const [searchText, setSearchText] = useState(initialView.q);
  const [items, setItems] = useState<Task[]>(ok ? initial.page.items : []);
  const [nextCursor, setNextCursor] = useState<string | null>(ok ? initial.page.nextCursor : null);
  const [stats, setStats] = useState<TaskStats | null>(ok ? initial.stats : null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [unavailable, setUnavailable] = useState(!ok && initial.error.kind !== "failed");
  const [listError, setListError] = useState<string | null>(
    !ok && initial.error.kind === "failed" ? initial.error.message : null,
  );
  const [notice, setNotice] = useState<Notice | null>(null);
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set());

  // Refs for what async callbacks must read at the time they finish, not when they started.
  const viewRef = useRef(initialView);
  const loadAbort = useRef<AbortController | null>(null);

  const say = useCallback(
    (text: string, tone: Notice["tone"] = "error") => setNotice({ id: Date.now(), text, tone }),
    [],
  );

  /** Banner for outages, a message for refusals, nothing while the session-ended redirect runs. */
  const report = useCallback(
    (error: unknown, what: string) => {
      if (error instanceof SessionEndedError) return;
      if (isServiceProblem(error)) setUnavailable(true);
      else say(`${what}: ${describeError(error)}`);
    },
    [say],
  );

  const markSaving = useCallback((id: string, on: boolean) => {
    setSaving((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const {
    pendingRef,
    pendingDeletes,
    remove: removeLater,
    undoDelete,
    commitDelete,
  } = usePendingDeletes({ client, viewRef, setItems, setStats, report });

  const load = useCallback(
    async (target: TaskView) => {
      loadAbort.current?.abort();
      const controller = new AbortController();
      loadAbort.current = controller;
      setLoading(true);
      try {
        const q = target.q.trim();
        const [page, counted] = await Promise.all([
          client.listTasks(listParams(target), { signal: controller.signal }),
          client.stats(q ? { q } : {}, { signal: controller.signal }),
        ]);
        if (controller.signal.aborted) return;
        // Tasks waiting out their undo window are still on the server: keep them out of sight.
        const pending = pendingRef.current;
        const hidden = new Set(pending.map((p) => p.task.id));
        setItems(page.items.filter((t) => !hidden.has(t.id)));
        setNextCursor(page.nextCursor);
        setStats(
          pending.reduce(
            (s, p) => (matchesView(p.task, statsView(target)) ? shiftStats(s, p.task.completed, -1) : s),
            counted,
          ),
        );
        setUnavailable(false);
        setListError(null);
      } catch (error) {
        if (controller.signal.aborted || error instanceof SessionEndedError) return;
        if (isServiceProblem(error)) setUnavailable(true);
        else setListError(describeError(error));
      } finally {
        if (loadAbort.current === controller) {
          loadAbort.current = null;
          setLoading(false);
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
      setView(next);
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

  useEffect(() => {
    if (searchText.trim() === viewRef.current.q.trim()) return;
    const timer = setTimeout(() => changeView({ q: searchText }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchText, changeView]);

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

  async function loadMore() {
    if (!nextCursor || loadingMore) return;
    const target = viewRef.current;
    setLoadingMore(true);
    try {
      const page = await client.listTasks(listParams(target, nextCursor));
      if (viewRef.current !== target) return; // the view changed meanwhile; that load wins
      setItems((prev) => {
        const seen = new Set([...prev.map((t) => t.id), ...pendingRef.current.map((p) => p.task.id)]);
        return [...prev, ...page.items.filter((t) => !seen.has(t.id))];
      });
      setNextCursor(page.nextCursor);
      setUnavailable(false);
    } catch (error) {
      report(error, "Couldn't load more tasks");
    } finally {
      setLoadingMore(false);
    }
  }

  async function create(input: CreateTask): Promise<Task> {
    const target = viewRef.current;
    const now = new Date().toISOString();
    const temp: Task = {
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
    // A new task shows even when it does not match the search: hiding what was just added confuses.
    const shown = matchesView(temp, target, true);
    const counted = matchesView(temp, statsView(target));
    if (shown) setItems((prev) => insertSorted(prev, temp, target.sort));
    if (counted) setStats((s) => s && shiftStats(s, false, 1));
    markSaving(temp.id, true);
    try {
      // keepalive: a reload or navigation right after "Add task" must not cancel the save.
      const task = await client.createTask(input, { keepalive: true });
      setItems((prev) => {
        if (prev.some((t) => t.id === temp.id)) return prev.map((t) => (t.id === temp.id ? task : t));
        // A reload replaced the list meanwhile (and may already include the new task).
        if (prev.some((t) => t.id === task.id) || !matchesView(task, viewRef.current, true)) return prev;
        return insertSorted(prev, task, viewRef.current.sort);
      });
      setUnavailable(false);
      if (!shown) say(`Added “${task.title}” — it's under Active.`, "info");
      return task;
    } catch (error) {
      setItems((prev) => prev.filter((t) => t.id !== temp.id));
      if (counted) setStats((s) => s && shiftStats(s, false, -1));
      if (isServiceProblem(error)) setUnavailable(true);
      throw error;
    } finally {
      markSaving(temp.id, false);
    }
  }

  async function update(task: Task, patch: UpdateTask): Promise<Task> {
    const optimistic: Task = { ...task, ...patch, updatedAt: new Date().toISOString() };
    setItems((prev) => prev.map((t) => (t.id === task.id ? optimistic : t)));
    markSaving(task.id, true);
    try {
      const saved = await client.updateTask(task.id, patch, { keepalive: true });
      setItems((prev) => prev.map((t) => (t.id === saved.id ? saved : t)));
      setUnavailable(false);
      return saved;
    } catch (error) {
      if (error instanceof ApiError && error.code === "TASK_NOT_FOUND") dropVanished(task);
      else setItems((prev) => prev.map((t) => (t.id === task.id ? task : t)));
      if (isServiceProblem(error)) setUnavailable(true);
      throw error;
    } finally {
      markSaving(task.id, false);
    }
  }

  /** Deleted elsewhere (another tab): take it out of the list and the counts. */
  function dropVanished(task: Task) {
    setItems((prev) => prev.filter((t) => t.id !== task.id));
    if (matchesView(task, statsView(viewRef.current)))
      setStats((s) => s && shiftStats(s, task.completed, -1));
  }

  async function toggle(task: Task) {
    if (saving.has(task.id)) return;
    const target = viewRef.current;
    const index = items.findIndex((t) => t.id === task.id);
    const completed = !task.completed;
    const next: Task = { ...task, completed, completedAt: completed ? new Date().toISOString() : null };
    const counted = matchesView(task, statsView(target));
    // Under "Active" a task completed leaves the list at once, as it would on reload.
    setItems((prev) =>
      matchesView(next, target, true)
        ? prev.map((t) => (t.id === task.id ? next : t))
        : prev.filter((t) => t.id !== task.id),
    );
    if (counted) setStats((s) => s && shiftStats(shiftStats(s, task.completed, -1), completed, 1));
    markSaving(task.id, true);
    try {
      const saved = await client.updateTask(task.id, { completed }, { keepalive: true });
      setItems((prev) => prev.map((t) => (t.id === saved.id ? saved : t)));
      setUnavailable(false);
    } catch (error) {
      if (counted) setStats((s) => s && shiftStats(shiftStats(s, completed, -1), task.completed, 1));
      if (error instanceof ApiError && error.code === "TASK_NOT_FOUND") dropVanished(task);
      else if (viewRef.current === target) setItems((prev) => restoreAt(prev, task, index));
      report(error, `Couldn't update “${task.title}”`);
    } finally {
      markSaving(task.id, false);
    }
  }

  function remove(task: Task) {
    removeLater(
      task,
      items.findIndex((t) => t.id === task.id),
    );
  }

  return {
    view,
    changeView,
    searchText,
    setSearchText,
    items,
    stats,
    nextCursor,
    loading,
    loadingMore,
    unavailable,
    listError,
    notice,
    dismissNotice: () => setNotice(null),
    saving,
    pendingDeletes,
    retry,
    loadMore,
    create,
    update,
    toggle,
    remove,
    undoDelete,
    commitDelete,
  };
}

export type TasksState = ReturnType<typeof useTasks>;
