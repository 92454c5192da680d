"use client";

import type { Task } from "@tandem/contracts/client";
import { type ReactNode, useContext } from "react";
import { NEW_TASK_INPUT_ID } from "./task-helpers";
import { focusTask, TaskItem, toggleId } from "./task-item";
import { TaskListExtrasContext } from "./task-list-extras";
import styles from "./tasks.module.css";
import type { TasksState } from "./use-tasks";

/** What to say instead of a list: every empty case has its own words, never a bare blank. */
function EmptyState({ tasks }: { tasks: TasksState }) {
  const { view, loading, unavailable, stats, listError } = tasks;
  const { readOnly } = useContext(TaskListExtrasContext);
  let title: string;
  let hint: ReactNode;
  if (loading) {
    title = "Loading tasks…";
    hint = null;
  } else if (listError) {
    title = "Couldn't load your tasks";
    hint = (
      <>
        {listError}{" "}
        <button type="button" className={styles.linkButton} onClick={tasks.retry}>
          Try again
        </button>
      </>
    );
  } else if (unavailable && !stats) {
    // Never "No tasks yet" when we simply could not ask: that would be a lie.
    title = "Your tasks will be back shortly";
    hint = "They'll appear here as soon as the task service answers.";
  } else if (view.q.trim()) {
    title = `No tasks match “${view.q.trim()}”`;
    hint = (
      <>
        Try another word, or{" "}
        <button
          type="button"
          className={styles.linkButton}
          onClick={() => {
            tasks.setSearchText("");
            tasks.changeView({ q: "" });
          }}
        >
          clear the search
        </button>
        .
      </>
    );
  } else if (readOnly) {
    title = view.status === "completed" ? "No completed tasks yet" : "Nothing here yet";
    hint = "Tasks the team adds will show up here.";
  } else if (view.status === "active") {
    title = "Nothing left to do";
    hint =
      stats && stats.all > 0 ? "Every task is completed. Nice work." : "Add a task above to get started.";
  } else if (view.status === "completed") {
    title = "No completed tasks yet";
    hint = "Tick a task's checkbox when it's done and it will show up here.";
  } else {
    title = "No tasks yet";
    hint = "Add your first task above — give it a due date or a priority if that helps you plan.";
  }
  return (
    <div className={styles.empty}>
      <p className={styles.emptyTitle}>{title}</p>
      {hint && <p className={styles.emptyHint}>{hint}</p>}
    </div>
  );
}

/** The list itself, its loading/empty/error states and "Load more". */
export function TaskList({ tasks }: { tasks: TasksState }) {
  const { items, loading, listError, nextCursor } = tasks;

  /** The focused row is about to vanish; keep keyboard users in the list rather than on <body>. */
  function keepFocusNear(task: Task) {
    const index = items.findIndex((t) => t.id === task.id);
    const neighbour = items[index + 1] ?? items[index - 1];
    requestAnimationFrame(() => {
      if (!neighbour || !focusTask(neighbour.id)) document.getElementById(NEW_TASK_INPUT_ID)?.focus();
    });
  }

  function remove(task: Task) {
    tasks.remove(task);
    keepFocusNear(task);
  }

  function toggle(task: Task) {
    // Under Active or Completed, a toggled task leaves the list.
    const leaves = tasks.view.status !== "all" && !tasks.saving.has(task.id);
    void tasks.toggle(task);
    if (leaves && document.activeElement?.id === toggleId(task.id)) keepFocusNear(task);
  }

  // "Task list" since the first release (tests and screen-reader users know it by that name); the
  // header's switcher is labelled exactly "List".
  return (
    <section className={styles.listSection} aria-label="Task list">
      <p className={styles.listStatus} aria-live="polite">
        {loading && items.length > 0 ? "Loading tasks…" : ""}
      </p>
      {listError && items.length > 0 && (
        <p className={styles.inlineError}>
          Couldn&apos;t refresh the list: {listError}{" "}
          <button type="button" className={styles.linkButton} onClick={tasks.retry}>
            Try again
          </button>
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState tasks={tasks} />
      ) : (
        <ul className={styles.list} aria-busy={loading} data-loading={loading || undefined}>
          {items.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              saving={tasks.saving.has(task.id)}
              onToggle={toggle}
              onUpdate={tasks.update}
              onDelete={remove}
            />
          ))}
        </ul>
      )}
      {nextCursor && items.length > 0 && (
        <div className={styles.more}>
          <button
            type="button"
            className={styles.button}
            onClick={() => void tasks.loadMore()}
            aria-busy={tasks.loadingMore}
          >
            {tasks.loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}
