"use client";

import type { Task, TaskStats } from "@tandem/contracts/client";
import {
  type Dispatch,
  type RefObject,
  type SetStateAction,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import { type ApiClient, ApiError } from "@/lib/api-client";
import { insertSorted, matchesView, restoreAt, shiftStats, statsView, type TaskView } from "./task-helpers";

/** A task removed from the list whose DELETE waits for the undo window to pass. */
export interface PendingDelete {
  task: Task;
  index: number;
  sort: TaskView["sort"];
}

interface Deps {
  client: ApiClient;
  viewRef: RefObject<TaskView>;
  setItems: Dispatch<SetStateAction<Task[]>>;
  setStats: Dispatch<SetStateAction<TaskStats | null>>;
  report: (error: unknown, what: string) => void;
}

/**
 * Delete with undo: the task leaves the list (and the counts) at once, the DELETE is only sent when
 * its undo window ends (`commitDelete`), and Undo puts it back where it was. Nothing needs
 * re-creating, so an undone task keeps its id, dates and place.
 */
export function usePendingDeletes({ client, viewRef, setItems, setStats, report }: Deps) {
  // The ref is what async code and the list loader read; the state is what renders the toasts.
  const pendingRef = useRef<PendingDelete[]>([]);
  const [pendingDeletes, setPendingDeletes] = useState<PendingDelete[]>([]);

  const remove = useCallback(
    (task: Task, index: number) => {
      const view = viewRef.current;
      setItems((prev) => prev.filter((t) => t.id !== task.id));
      if (matchesView(task, statsView(view))) setStats((s) => s && shiftStats(s, task.completed, -1));
      pendingRef.current = [...pendingRef.current, { task, index, sort: view.sort }];
      setPendingDeletes(pendingRef.current);
    },
    [viewRef, setItems, setStats],
  );

  const takePending = useCallback((id: string): PendingDelete | undefined => {
    const found = pendingRef.current.find((p) => p.task.id === id);
    if (found) {
      pendingRef.current = pendingRef.current.filter((p) => p !== found);
      setPendingDeletes(pendingRef.current);
    }
    return found;
  }, []);

  const putBack = useCallback(
    (p: PendingDelete) => {
      const view = viewRef.current;
      if (matchesView(p.task, view, true)) {
        // Back in its old place, unless the list has been re-sorted since.
        setItems((prev) =>
          p.sort === view.sort ? restoreAt(prev, p.task, p.index) : insertSorted(prev, p.task, view.sort),
        );
      }
      if (matchesView(p.task, statsView(view))) setStats((s) => s && shiftStats(s, p.task.completed, 1));
    },
    [viewRef, setItems, setStats],
  );

  const undoDelete = useCallback(
    (id: string) => {
      const p = takePending(id);
      if (p) putBack(p);
    },
    [takePending, putBack],
  );

  const commitDelete = useCallback(
    async (id: string, keepalive = false) => {
      const p = takePending(id);
      if (!p) return;
      try {
        await client.deleteTask(id, keepalive ? { keepalive } : {});
      } catch (error) {
        if (error instanceof ApiError && error.code === "TASK_NOT_FOUND") return; // gone either way
        putBack(p);
        report(error, `Couldn't delete “${p.task.title}”`);
      }
    },
    [client, takePending, putBack, report],
  );

  // Leaving the page (or closing the tab) ends every undo window: send the pending deletes now.
  useEffect(() => {
    const flush = () => {
      for (const p of [...pendingRef.current]) void commitDelete(p.task.id, true);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [commitDelete]);

  return { pendingRef, pendingDeletes, remove, undoDelete, commitDelete };
}
