"use client";

import type { Task } from "@tandem/contracts/client";
import { type Dispatch, useCallback, useEffect, useRef } from "react";
import { type ApiClient, ApiError } from "@/lib/api-client";
import type { PendingDelete, TasksAction } from "./tasks-state";

interface Deps {
  client: ApiClient;
  dispatch: Dispatch<TasksAction>;
  report: (error: unknown, what: string) => void;
}

/**
 * Delete with undo: the task leaves the list (and the counts) at once, the DELETE is only sent when
 * its undo window ends (`commitDelete`), and Undo puts it back where it was. Nothing needs
 * re-creating, so an undone task keeps its id, dates and place.
 */
export function usePendingDeletes({ client, dispatch, report }: Deps) {
  // Who may still send or undo each delete, claimed synchronously so that a DELETE is sent once;
  // the reducer's copy (`pendingDeletes`) is what renders the toasts and what the loaders skip.
  const claims = useRef<PendingDelete[]>([]);

  const remove = useCallback(
    (task: Task, index: number, sort: PendingDelete["sort"]) => {
      claims.current = [...claims.current, { task, index, sort }];
      dispatch({ type: "deleteStarted", task, index });
    },
    [dispatch],
  );

  const take = useCallback(
    (id: string): PendingDelete | undefined => {
      const found = claims.current.find((p) => p.task.id === id);
      if (found) {
        claims.current = claims.current.filter((p) => p !== found);
        dispatch({ type: "deleteTaken", id });
      }
      return found;
    },
    [dispatch],
  );

  const undoDelete = useCallback(
    (id: string) => {
      const pending = take(id);
      if (pending) dispatch({ type: "deleteUndone", pending });
    },
    [take, dispatch],
  );

  const commitDelete = useCallback(
    async (id: string, keepalive = false) => {
      const pending = take(id);
      if (!pending) return;
      try {
        await client.deleteTask(id, keepalive ? { keepalive } : {});
      } catch (error) {
        if (error instanceof ApiError && error.code === "TASK_NOT_FOUND") return; // gone either way
        dispatch({ type: "deleteUndone", pending });
        report(error, `Couldn't delete “${pending.task.title}”`);
      }
    },
    [client, take, dispatch, report],
  );

  // Leaving the page (or closing the tab) ends every undo window: send the pending deletes now.
  useEffect(() => {
    const flush = () => {
      for (const p of [...claims.current]) void commitDelete(p.task.id, true);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [commitDelete]);

  return { remove, undoDelete, commitDelete };
}
