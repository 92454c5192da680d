"use client";

import type { Task } from "@tandem/contracts/client";
import { useContext, useRef, useState } from "react";
import { ApiError, isServiceProblem } from "@/lib/api-client";
import { useHydrated } from "@/lib/use-hydrated";
import { type EditDraft, type EditError, draftFromTask, TaskEditForm } from "./task-edit-form";
import { describeDue, describeError, PRIORITY_LABELS, type TaskPatch } from "./task-helpers";
import { TaskListExtrasContext } from "./task-list-extras";
import styles from "./tasks.module.css";

export const toggleId = (taskId: string) => `task-${taskId}-done`;

/** Moves keyboard focus to a task's checkbox; false when the task is not on screen. */
export function focusTask(taskId: string): boolean {
  const element = document.getElementById(toggleId(taskId));
  element?.focus();
  return element !== null;
}

/**
 * Dates are shown in the browser's time zone and language, which the server does not know: the
 * server render leaves the text out and the browser fills it in after hydration (no mismatch).
 */
function DueDate({ iso, completed }: { iso: string; completed: boolean }) {
  const inBrowser = useHydrated();
  if (!inBrowser) return <time dateTime={iso} className={styles.due} />;
  const { label, overdue } = describeDue(iso);
  const late = overdue && !completed;
  return (
    <time dateTime={iso} className={styles.due} data-overdue={late || undefined}>
      {late ? `Overdue · ${label}` : `Due ${label}`}
    </time>
  );
}

export interface TaskItemProps {
  task: Task;
  saving: boolean;
  onToggle: (task: Task) => void;
  onUpdate: (task: Task, patch: TaskPatch) => Promise<Task>;
  onDelete: (task: Task) => void;
}

/** One task: its checkbox, details and actions, or the inline edit form. */
export function TaskItem({ task, saving, onToggle, onUpdate, onDelete }: TaskItemProps) {
  const [editing, setEditing] = useState(false);
  const [failed, setFailed] = useState<{ draft: EditDraft; error: EditError } | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const { readOnly, details } = useContext(TaskListExtrasContext);
  // Until hydration a tick or a click would show, or not, and do nothing.
  const locked = !useHydrated();
  // Not yet confirmed by the API: it has no real id to edit or delete.
  const unsaved = task.id.startsWith("pending-");
  const metaId = `task-${task.id}-meta`;

  const closeEditor = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  async function save(patch: TaskPatch, draft: EditDraft) {
    setFailed(null);
    closeEditor();
    try {
      await onUpdate(task, patch);
    } catch (error) {
      // Reopen the editor with what was typed and the reason, so nothing has to be retyped.
      const field = (["title", "description", "dueAt", "assigneeId"] as const).find(
        (f) => error instanceof ApiError && error.fieldMessage(f),
      );
      const text = isServiceProblem(error)
        ? "Not saved yet: the task service can't be reached. Your edit is kept — try again in a moment."
        : `Not saved: ${describeError(error)}`;
      setFailed({ draft, error: { text, ...(field ? { field } : {}) } });
      setEditing(true);
    }
  }

  // Read-only (a viewer, or a member just downgraded to one): no control that would be refused.
  if (editing && !readOnly) {
    return (
      <li className={styles.item} data-editing>
        <TaskEditForm
          task={task}
          initial={failed?.draft ?? draftFromTask(task)}
          error={failed?.error ?? null}
          onSave={(patch, draft) => void save(patch, draft)}
          onCancel={() => {
            setFailed(null);
            closeEditor();
          }}
        />
      </li>
    );
  }

  return (
    <li
      className={styles.item}
      data-completed={task.completed || undefined}
      data-unsaved={unsaved || undefined}
      aria-busy={saving || undefined}
    >
      {/* Read-only: the box still shows whether it is done, but cannot be ticked. */}
      <input
        type="checkbox"
        id={toggleId(task.id)}
        className={styles.checkbox}
        checked={task.completed}
        disabled={readOnly || locked}
        onChange={() => onToggle(task)}
        aria-label={task.title}
        aria-describedby={metaId}
      />
      <div className={styles.itemBody}>
        {/* Clicking the title toggles too: a bigger target than the box alone, on phones especially. */}
        <label htmlFor={toggleId(task.id)} className={styles.itemTitle}>
          {task.title}
        </label>
        {task.description && <p className={styles.itemDescription}>{task.description}</p>}
        <p className={styles.meta} id={metaId}>
          <span className={styles.priority} data-priority={task.priority}>
            {PRIORITY_LABELS[task.priority]} priority
          </span>
          {task.dueAt && <DueDate iso={task.dueAt} completed={task.completed} />}
          {details?.(task)}
          {saving && <span className={styles.saving}>Saving…</span>}
        </p>
      </div>
      {readOnly ? null : (
        <div className={styles.actions}>
          <button
            ref={editButton}
            type="button"
            className={styles.ghostButton}
            onClick={() => setEditing(true)}
            disabled={unsaved || locked}
            aria-label={`Edit "${task.title}"`}
          >
            Edit
          </button>
          <button
            type="button"
            className={`${styles.ghostButton} ${styles.dangerButton}`}
            onClick={() => onDelete(task)}
            disabled={unsaved || locked}
            aria-label={`Delete "${task.title}"`}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
