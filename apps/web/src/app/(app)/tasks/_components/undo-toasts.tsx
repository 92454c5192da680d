"use client";

import { useEffect, useState } from "react";
import styles from "./tasks.module.css";
import type { PendingDelete } from "./tasks-state";

export const UNDO_WINDOW_MS = 5_000;
const MAX_TOASTS = 3;

function UndoToast({
  pending,
  onUndo,
  onExpire,
}: {
  pending: PendingDelete;
  onUndo: (id: string) => void;
  onExpire: (id: string) => void;
}) {
  // The countdown pauses while the pointer or keyboard focus is on the toast, so nobody loses the
  // chance to undo while reaching for the button (WCAG 2.2.1, timing adjustable).
  const [paused, setPaused] = useState(false);
  const id = pending.task.id;
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onExpire(id), UNDO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [paused, id, onExpire]);

  return (
    <div
      className={styles.toast}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <p className={styles.toastText}>
        Task deleted <span className={styles.toastTitle}>“{pending.task.title}”</span>
      </p>
      <button type="button" className={styles.toastButton} onClick={() => onUndo(id)}>
        Undo
      </button>
    </div>
  );
}

/**
 * "Task deleted — Undo" for each task still in its undo window; the DELETE is only sent when the
 * window ends. The region is always in the page so screen readers announce what is added to it.
 */
export function UndoToasts({
  pending,
  onUndo,
  onExpire,
}: {
  pending: PendingDelete[];
  onUndo: (id: string) => void;
  onExpire: (id: string) => void;
}) {
  // At most three toasts at a time; older deletions beyond that end their undo window now.
  const overflow = pending.slice(0, -MAX_TOASTS);
  useEffect(() => {
    for (const p of overflow) onExpire(p.task.id);
  }, [overflow, onExpire]);

  return (
    <div role="status" aria-live="polite" className={styles.toasts}>
      {pending.slice(-MAX_TOASTS).map((p) => (
        <UndoToast key={p.task.id} pending={p} onUndo={onUndo} onExpire={onExpire} />
      ))}
    </div>
  );
}
