"use client";

import {
  checkTaskFields,
  type CreateTask,
  type Priority,
  PRIORITIES,
  type Task,
} from "@tandem/contracts/client";
import { type FormEvent, useId, useLayoutEffect, useRef, useState } from "react";
import { ApiError, isServiceProblem } from "@/lib/api-client";
import { useHydrated } from "@/lib/use-hydrated";
import { TaskDetailFields } from "./task-detail-fields";
import { dateInputToIso, describeError, NEW_TASK_INPUT_ID } from "./task-helpers";
import styles from "./tasks.module.css";

interface Draft {
  title: string;
  description: string;
  priority: Priority;
  due: string;
}

const EMPTY: Draft = { title: "", description: "", priority: "medium", due: "" };

/** The form as the page shows it. */
function readDraft(form: HTMLFormElement): Draft {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "");
  const priority = PRIORITIES.find((p) => p === data.get("priority")) ?? EMPTY.priority;
  return { title: text("title"), description: text("description"), priority, due: text("due") };
}

type Field = "title" | "description" | "dueAt";
interface FormError {
  text: string;
  field?: Field;
}

/**
 * Validates with the same schema as the API, so most mistakes are caught without a round trip and
 * worded the same way as the API would word them.
 */
function toInput(draft: Draft): { input: CreateTask } | { error: FormError } {
  if (draft.title.trim() === "") return { error: { text: "Give the task a title.", field: "title" } };
  const checked = checkTaskFields({
    title: draft.title,
    ...(draft.description.trim() ? { description: draft.description } : {}),
    priority: draft.priority,
    ...(draft.due ? { dueAt: dateInputToIso(draft.due) } : {}),
  });
  if (checked.success) return { input: checked.data };
  const { path: field, message } = checked.issue;
  return {
    error: {
      text: message,
      ...(field === "title" || field === "description" || field === "dueAt" ? { field } : {}),
    },
  };
}

function errorFromApi(error: unknown): FormError {
  if (isServiceProblem(error)) {
    return {
      text: "Not added yet: the task service can't be reached. Your text is kept — try again in a moment.",
    };
  }
  const field = (["title", "description", "dueAt"] as const).find(
    (f) => error instanceof ApiError && error.fieldMessage(f),
  );
  return { text: `Not added: ${describeError(error)}`, ...(field ? { field } : {}) };
}

/** The "add a task" form. It clears at once (the task appears optimistically) and refills if the API refuses. */
export function NewTaskForm({ onCreate }: { onCreate: (input: CreateTask) => Promise<Task> }) {
  const id = useId();
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<FormError | null>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLInputElement>(null);
  const dueRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // Before hydration a submit would reload the page and lose what was typed.
  const hydrated = useHydrated();

  // What was typed or chosen before hydration is on screen but not in state, and the render that
  // follows hydration would put the state back into the fields: take the page's values first.
  useLayoutEffect(() => {
    const form = formRef.current;
    if (form === null) return;
    const shown = readDraft(form);
    if ((Object.keys(shown) as (keyof Draft)[]).some((key) => shown[key] !== EMPTY[key])) setDraft(shown);
  }, []);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  function focusField(field: Field | undefined) {
    const target = field === "description" ? descriptionRef : field === "dueAt" ? dueRef : titleRef;
    target.current?.focus();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = toInput(draft);
    if ("error" in result) {
      setError(result.error);
      focusField(result.error.field);
      return;
    }
    const typed = draft;
    setDraft(EMPTY);
    setError(null);
    titleRef.current?.focus();
    try {
      await onCreate(result.input);
    } catch (failure) {
      // Give back what was typed, unless the next task is already being typed over it.
      setDraft((current) => (current.title === "" && current.description === "" ? typed : current));
      const next = errorFromApi(failure);
      setError(next);
      if (next.field) focusField(next.field);
    }
  }

  const errorId = `${id}-error`;
  const invalid = (field: Field) => (error?.field === field ? true : undefined);
  const describedBy = (field: Field) => (error?.field === field ? errorId : undefined);

  return (
    <form ref={formRef} className={styles.newTask} onSubmit={submit} aria-label="Add a task" noValidate>
      <div className={styles.field}>
        <label htmlFor={NEW_TASK_INPUT_ID} className={styles.label}>
          New task
        </label>
        <div className={styles.addRow}>
          <input
            ref={titleRef}
            id={NEW_TASK_INPUT_ID}
            name="title"
            className={styles.input}
            value={draft.title}
            onChange={(e) => set({ title: e.target.value })}
            placeholder="What needs doing?"
            autoComplete="off"
            enterKeyHint="done"
            aria-invalid={invalid("title")}
            aria-describedby={error ? errorId : undefined}
          />
          <button type="submit" className={styles.primaryButton} disabled={!hydrated}>
            Add task
          </button>
        </div>
      </div>
      <div className={styles.details}>
        <div className={`${styles.field} ${styles.grow}`}>
          <label htmlFor={`${id}-description`} className={styles.label}>
            Description <span className={styles.optional}>(optional)</span>
          </label>
          <input
            ref={descriptionRef}
            id={`${id}-description`}
            name="description"
            className={styles.input}
            value={draft.description}
            onChange={(e) => set({ description: e.target.value })}
            autoComplete="off"
            aria-invalid={invalid("description")}
            aria-describedby={describedBy("description")}
          />
        </div>
        <TaskDetailFields
          id={id}
          priority={draft.priority}
          due={draft.due}
          dueRef={dueRef}
          onChange={set}
          dueProps={{ "aria-invalid": invalid("dueAt"), "aria-describedby": describedBy("dueAt") }}
        />
      </div>
      <p id={errorId} className={styles.formError} aria-live="polite">
        {error?.text}
      </p>
    </form>
  );
}
