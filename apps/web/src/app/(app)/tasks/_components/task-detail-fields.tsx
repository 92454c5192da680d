import { type Priority, PRIORITIES } from "@tandem/contracts/client";
import type { InputHTMLAttributes, RefObject } from "react";
import { PRIORITY_LABELS } from "./task-helpers";
import styles from "./tasks.module.css";

interface Props {
  /** Prefix for the field ids (one per form, from useId). */
  id: string;
  priority: Priority;
  /** The due date as the date input holds it (YYYY-MM-DD or ""). */
  due: string;
  dueRef: RefObject<HTMLInputElement | null>;
  onChange(change: { priority?: Priority; due?: string }): void;
  /** Error wiring for the due date (aria-invalid, aria-describedby) when it is the field at fault. */
  dueProps?: InputHTMLAttributes<HTMLInputElement>;
}

/** The "Priority" and "Due date" fields, shared by the new-task form and the inline editor. */
export function TaskDetailFields({ id, priority, due, dueRef, onChange, dueProps = {} }: Props) {
  return (
    <>
      <div className={styles.field}>
        <label htmlFor={`${id}-priority`} className={styles.label}>
          Priority
        </label>
        <select
          id={`${id}-priority`}
          name="priority"
          className={styles.select}
          value={priority}
          onChange={(e) => onChange({ priority: e.target.value as Priority })}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-due`} className={styles.label}>
          Due date
        </label>
        <input
          ref={dueRef}
          id={`${id}-due`}
          name="due"
          type="date"
          className={styles.input}
          value={due}
          onChange={(e) => onChange({ due: e.target.value })}
          {...dueProps}
        />
      </div>
    </>
  );
}
