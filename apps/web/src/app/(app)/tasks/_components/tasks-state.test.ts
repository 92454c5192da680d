import type { Task, TaskStats } from "@tandem/contracts/client";
import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW } from "./task-helpers";
import { initialTasksState, type TaskListState, tasksReducer, type TasksAction } from "./tasks-state";

let n = 0;
function task(overrides: Partial<Task> = {}): Task {
  n += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    id: `t${n}`,
    title: `Task ${n}`,
    description: null,
    completed: false,
    priority: "medium",
    dueAt: null,
    completedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

const stats = (active: number, completed: number): TaskStats => ({
  all: active + completed,
  active,
  completed,
});

function start(items: Task[], view = DEFAULT_VIEW): TaskListState {
  const active = items.filter((t) => !t.completed).length;
  return initialTasksState(
    { page: { items, nextCursor: null }, stats: stats(active, items.length - active) },
    view,
  );
}

const run = (state: TaskListState, ...actions: TasksAction[]) => actions.reduce(tasksReducer, state);
const ids = (state: TaskListState) => state.items.map((t) => t.id);

describe("initialTasksState", () => {
  it("shows the banner for an outage and the message for a refusal", () => {
    const down = initialTasksState({ error: { kind: "unreachable", message: "x" } }, DEFAULT_VIEW);
    expect(down).toMatchObject({ unavailable: true, listError: null, items: [], stats: null });
    const refused = initialTasksState({ error: { kind: "failed", message: "Bad query" } }, DEFAULT_VIEW);
    expect(refused).toMatchObject({ unavailable: false, listError: "Bad query" });
  });
});

describe("tasksReducer", () => {
  it("create: shows the task at once, counts it, and swaps in the saved one", () => {
    const a = task();
    const temp = task({ id: "pending-1" });
    let state = run(start([a]), { type: "createStarted", temp, shown: true, counted: true });
    expect(ids(state)).toEqual(["pending-1", a.id]); // newest first
    expect(state.stats).toEqual(stats(2, 0));
    expect(state.saving.has("pending-1")).toBe(true);
    const saved = { ...temp, id: "real-1" };
    state = run(state, { type: "created", tempId: "pending-1", task: saved });
    expect(ids(state)).toEqual(["real-1", a.id]);
    expect(state.saving.size).toBe(0);
  });

  it("create refused: the task and its count go away again", () => {
    const temp = task({ id: "pending-2" });
    const state = run(
      start([]),
      { type: "createStarted", temp, shown: true, counted: true },
      { type: "createFailed", tempId: "pending-2", counted: true },
    );
    expect(state.items).toEqual([]);
    expect(state.stats).toEqual(stats(0, 0));
    expect(state.saving.size).toBe(0);
  });

  it("toggle under Active: the completed task leaves, and comes back in place when refused", () => {
    const a = task();
    const b = task();
    const c = task();
    const initial = start([c, b, a], { ...DEFAULT_VIEW, status: "active" });
    const next = { ...b, completed: true, completedAt: "2026-02-01T00:00:00.000Z" };
    let state = run(initial, { type: "toggleStarted", task: b, next, counted: true });
    expect(ids(state)).toEqual([c.id, a.id]);
    expect(state.stats).toEqual(stats(2, 1));
    state = run(state, { type: "toggleFailed", task: b, counted: true, vanished: false, restoreIndex: 1 });
    expect(ids(state)).toEqual([c.id, b.id, a.id]);
    expect(state.stats).toEqual(stats(3, 0));
    expect(state.saving.size).toBe(0);
  });

  it("an edit of a task deleted elsewhere drops it from the list and the counts", () => {
    const a = task();
    const b = task();
    const edited = { ...a, title: "Renamed" };
    const state = run(
      start([b, a]),
      { type: "updateStarted", task: edited },
      { type: "updateFailed", original: a, vanished: true },
    );
    expect(ids(state)).toEqual([b.id]);
    expect(state.stats).toEqual(stats(1, 0));
  });

  it("delete with undo: out of the list and counts, hidden from reloads, then back in its place", () => {
    const a = task();
    const b = task();
    const c = task();
    let state = run(start([c, b, a]), { type: "deleteStarted", task: b, index: 1 });
    expect(ids(state)).toEqual([c.id, a.id]);
    expect(state.stats).toEqual(stats(2, 0));
    // A reload while the undo window is open still has it on the server.
    state = run(state, {
      type: "loaded",
      page: { items: [c, b, a], nextCursor: null },
      stats: stats(3, 0),
    });
    expect(ids(state)).toEqual([c.id, a.id]);
    expect(state.stats).toEqual(stats(2, 0));
    const [pending] = state.pendingDeletes;
    if (!pending) throw new Error("no pending delete");
    state = run(state, { type: "deleteTaken", id: b.id }, { type: "deleteUndone", pending });
    expect(ids(state)).toEqual([c.id, b.id, a.id]);
    expect(state.stats).toEqual(stats(3, 0));
    expect(state.pendingDeletes).toEqual([]);
  });

  it("load more skips tasks already shown", () => {
    const a = task();
    const b = task();
    const c = task();
    const state = run(start([c, b]), {
      type: "moreLoaded",
      page: { items: [b, a], nextCursor: "next" },
    });
    expect(ids(state)).toEqual([c.id, b.id, a.id]);
    expect(state.nextCursor).toBe("next");
  });

  it("a successful load clears the banner and the list error", () => {
    const state = run(
      initialTasksState({ error: { kind: "unreachable", message: "x" } }, DEFAULT_VIEW),
      { type: "loadStarted" },
      { type: "loaded", page: { items: [], nextCursor: null }, stats: stats(0, 0) },
      { type: "loadSettled" },
    );
    expect(state).toMatchObject({ unavailable: false, listError: null, loading: false, stats: stats(0, 0) });
  });
});
