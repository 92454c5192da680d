"use client";

import type { ReactNode } from "react";
import { NewTaskForm } from "./new-task-form";
import { ServiceBanner } from "./service-banner";
import { focusTask } from "./task-item";
import { TaskList } from "./task-list";
import { TaskToolbar } from "./task-toolbar";
import styles from "./tasks.module.css";
import { UndoToasts } from "./undo-toasts";
import type { TasksState } from "./use-tasks";

export interface TaskScreenProps {
  tasks: TasksState;
  sessionEnded: boolean;
  /** The page's `<h1>` and whatever goes beside it. */
  title: ReactNode;
  /** Shown under the heading (a team's notes about what the user may do). */
  notes?: ReactNode;
  /** No "add a task" form (a team's viewers). */
  readOnly?: boolean;
}

/** A task list with everything around it: counts, banners, the add form, filters and undo. */
export function TaskScreen({ tasks, sessionEnded, title, notes, readOnly = false }: TaskScreenProps) {
  return (
    <div className={styles.page}>
      <div className={styles.heading}>
        {title}
        {tasks.loading ? (
          <p className={styles.summary} aria-hidden="true">
            Loading…
          </p>
        ) : (
          tasks.stats && (
            <p className={styles.summary}>
              {tasks.stats.active === 0
                ? tasks.stats.all === 0
                  ? "Nothing planned yet"
                  : "All done"
                : `${tasks.stats.active} to do`}
            </p>
          )
        )}
      </div>
      {notes}

      {sessionEnded && (
        <p role="status" className={styles.banner}>
          Your session has ended — taking you to sign in…
        </p>
      )}
      {tasks.unavailable && !sessionEnded && <ServiceBanner onRetry={tasks.retry} retrying={tasks.loading} />}

      {readOnly ? null : <NewTaskForm onCreate={tasks.create} />}

      <TaskToolbar
        view={tasks.view}
        stats={tasks.stats}
        searchText={tasks.searchText}
        onSearchText={tasks.setSearchText}
        onChange={tasks.changeView}
      />

      {/* Polite on purpose: a refused change is worth hearing, not worth interrupting for. */}
      <div aria-live="polite" className={styles.noticeRegion}>
        {tasks.notice && (
          <p key={tasks.notice.id} className={styles.notice} data-tone={tasks.notice.tone}>
            <span>{tasks.notice.text}</span>
            <button type="button" className={styles.ghostButton} onClick={tasks.dismissNotice}>
              Dismiss
            </button>
          </p>
        )}
      </div>

      <TaskList tasks={tasks} />

      <UndoToasts
        pending={tasks.pendingDeletes}
        onUndo={(id) => {
          tasks.undoDelete(id);
          // The Undo button disappears with its toast; put focus on the task that came back.
          requestAnimationFrame(() => focusTask(id));
        }}
        onExpire={tasks.commitDelete}
      />
    </div>
  );
}
