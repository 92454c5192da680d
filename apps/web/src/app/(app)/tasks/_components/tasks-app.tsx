"use client";

import { useEffect, useState } from "react";
import { createApiClient, createTokenManager } from "@/lib/api-client";
import type { InitialTasks } from "@/lib/initial-tasks";
import { NewTaskForm } from "./new-task-form";
import { ServiceBanner } from "./service-banner";
import { focusTask } from "./task-item";
import { TaskList } from "./task-list";
import { TaskToolbar } from "./task-toolbar";
import type { TaskView } from "./task-helpers";
import styles from "./tasks.module.css";
import { UndoToasts } from "./undo-toasts";
import { useTasks } from "./use-tasks";

export interface TasksAppProps {
  /** The API's public URL, read by the server at run time (not baked into the bundle). */
  apiUrl: string;
  initial: InitialTasks;
  initialView: TaskView;
}

/** Sends the user to sign in and back here; a full navigation, so no task data stays in memory. */
function signInAgain() {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/sign-in?next=${encodeURIComponent(here)}&reason=session-ended`);
}

/** The interactive tasks page. It starts from the server-rendered first page, then talks to the API itself. */
export function TasksApp({ apiUrl, initial, initialView }: TasksAppProps) {
  const [sessionEnded, setSessionEnded] = useState(false);
  const [{ tokens, client }] = useState(() => {
    const tokens = createTokenManager({
      onSessionEnded: () => {
        setSessionEnded(true);
        signInAgain();
      },
    });
    return { tokens, client: createApiClient({ baseUrl: apiUrl, tokens }) };
  });
  const tasks = useTasks(client, initial, initialView);

  // Fetch the token as soon as the page is interactive rather than on the first click: the first
  // change is then as fast as the rest, and a page shown after its session ended (e.g. from the
  // router's back/forward cache after signing out) finds out at once and goes to sign-in.
  useEffect(() => {
    tokens.getToken().catch(() => {
      // Outages surface on the next real request, with the banner.
    });
  }, [tokens]);

  // Restored from the back/forward cache (e.g. after signing out): render afresh from the server,
  // which checks the session, instead of showing the list as it was.
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload();
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, []);

  return (
    <div className={styles.page}>
      <div className={styles.heading}>
        <h1 className={styles.title}>Tasks</h1>
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

      {sessionEnded && (
        <p role="status" className={styles.banner}>
          Your session has ended — taking you to sign in…
        </p>
      )}
      {tasks.unavailable && !sessionEnded && <ServiceBanner onRetry={tasks.retry} retrying={tasks.loading} />}

      <NewTaskForm onCreate={tasks.create} />

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
