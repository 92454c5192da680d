"use client";

import { checkTaskFields, type Priority, type Task } from "@tandem/contracts/client";
import { type FormEvent, type KeyboardEvent, useContext, useEffect, useId, useRef, useState } from "react";
import { teamFieldsOf } from "@/lib/team-task";
import { TaskDetailFields } from "./task-detail-fields";
import { dateInputToIso, isoToDateInput, type TaskPatch } from "./task-helpers";
import { TaskListExtrasContext } from "./task-list-extras";
import styles from "./tasks.module.css";

export interface EditDraft {
  title: string;
  description: string;
  priority: Priority;
  due: string;
  /** A team task's assignee's user id, "" for nobody (unused for a personal task). */
  assignee: string;
}

export type EditField = "title" | "description" | "dueAt" | "assigneeId";
export interface EditError {
  text: string;
  field?: EditField;
}

export function draftFromTask(task: Task): EditDraft {
  return {
    title: task.title,
    description: task.description ?? "",
    priority: task.priority,
    due: isoToDateInput(task.dueAt),
    assignee: teamFieldsOf(task)?.assigneeId ?? "",
  };
}

/** Only the fields that changed, validated with the API's own schema; null when nothing changed. */
function toPatch(task: Task, draft: EditDraft): { patch: TaskPatch | null } | { error: EditError } {
  if (draft.title.trim() === "") return { error: { text: "Give the task a title.", field: "title" } };
  const dueAt = draft.due ? dateInputToIso(draft.due) : null;
  const checked = checkTaskFields({
    title: draft.title,
    description: draft.description.trim() ? draft.description : null,
    priority: draft.priority,
    dueAt,
  });
  if (!checked.success) {
    const { path: field, message } = checked.issue;
    return {
      error: {
        text: message,
        ...(field === "title" || field === "description" || field === "dueAt" ? { field } : {}),
      },
    };
  }
  const v = checked.data;
  const team = teamFieldsOf(task);
  const patch: TaskPatch = {
    ...(v.title !== task.title ? { title: v.title } : {}),
    ...((v.description ?? null) !== task.description ? { description: v.description ?? null } : {}),
    ...(v.priority !== task.priority ? { priority: v.priority } : {}),
    // Compared as calendar days: an unchanged day keeps the stored instant as it is.
    ...(draft.due !== isoToDateInput(task.dueAt) ? { dueAt: v.dueAt ?? null } : {}),
    ...(team && draft.assignee !== (team.assigneeId ?? "") ? { assigneeId: draft.assignee || null } : {}),
  };
  return { patch: Object.keys(patch).length > 0 ? patch : null };
}

export interface TaskEditFormProps {
  task: Task;
  initial: EditDraft;
  error: EditError | null;
  onSave: (patch: TaskPatch, draft: EditDraft) => void;
  onCancel: () => void;
}

/** Inline editing of one task. Enter saves (Shift+Enter for a new line in the description), Escape cancels. */
export function TaskEditForm({ task, initial, error: initialError, onSave, onCancel }: TaskEditFormProps) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState(initialError);
  const titleRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const dueRef = useRef<HTMLInputElement>(null);
  const assigneeRef = useRef<HTMLSelectElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const { assignees } = useContext(TaskListExtrasContext);
  const hasAssignee = assignees !== undefined && teamFieldsOf(task) !== null;

  const set = (patch: Partial<EditDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const focusField = (field: EditField | undefined) => {
    if (field === "assigneeId") return assigneeRef.current?.focus();
    const target = field === "description" ? descriptionRef : field === "dueAt" ? dueRef : titleRef;
    target.current?.focus();
  };

  // Open with the field in error (after a refused save) or the title selected, ready to retype.
  useEffect(() => {
    if (initialError?.field && initialError.field !== "title") focusField(initialError.field);
    else {
      titleRef.current?.focus();
      titleRef.current?.select();
    }
  }, [initialError]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = toPatch(task, draft);
    if ("error" in result) {
      setError(result.error);
      focusField(result.error.field);
      return;
    }
    if (result.patch === null) onCancel();
    else onSave(result.patch, draft);
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      onCancel();
    } else if (
      event.key === "Enter" &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing &&
      event.target instanceof HTMLTextAreaElement
    ) {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  }

  const errorId = `${id}-error`;
  const fieldProps = (field: EditField) =>
    error?.field === field ? { "aria-invalid": true, "aria-describedby": errorId } : {};

  return (
    <form
      ref={formRef}
      className={styles.editForm}
      aria-label={`Edit "${task.title}"`}
      onSubmit={submit}
      onKeyDown={onKeyDown}
      noValidate
    >
      <div className={styles.field}>
        <label htmlFor={`${id}-title`} className={styles.label}>
          Title
        </label>
        <input
          ref={titleRef}
          id={`${id}-title`}
          className={styles.input}
          value={draft.title}
          onChange={(e) => set({ title: e.target.value })}
          autoComplete="off"
          {...fieldProps("title")}
        />
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-description`} className={styles.label}>
          Description
        </label>
        <textarea
          ref={descriptionRef}
          id={`${id}-description`}
          className={`${styles.input} ${styles.textarea}`}
          value={draft.description}
          rows={2}
          onChange={(e) => set({ description: e.target.value })}
          {...fieldProps("description")}
        />
      </div>
      <div className={styles.details}>
        <TaskDetailFields
          id={id}
          priority={draft.priority}
          due={draft.due}
          dueRef={dueRef}
          onChange={set}
          dueProps={fieldProps("dueAt")}
        />
        {hasAssignee && (
          <div className={styles.field}>
            <label htmlFor={`${id}-assignee`} className={styles.label}>
              Assignee
            </label>
            <select
              ref={assigneeRef}
              id={`${id}-assignee`}
              className={styles.select}
              value={draft.assignee}
              onChange={(e) => set({ assignee: e.target.value })}
              {...fieldProps("assigneeId")}
            >
              <option value="">Nobody</option>
              {assignees.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className={styles.editButtons}>
          <button type="submit" className={styles.primaryButton}>
            Save
          </button>
          <button type="button" className={styles.button} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
      <p className={styles.editHint}>Enter saves · Shift+Enter adds a line · Esc cancels</p>
      <p id={errorId} className={styles.formError} role={error ? "alert" : undefined}>
        {error?.text}
      </p>
    </form>
  );
}
