import type { TaskPage, TaskStats } from "@tandem/contracts/client";

// What the server render hands the task screen (loadInitialTasks in api.server.ts). Kept apart
// from that server-only module so that client components can import the type.

/**
 * Why the server could not fetch the first page; the client shows the banner and retries. A team's
 * page never hands `team-not-found` to the client: it sends the former member to their own list.
 */
export interface InitialTasksError {
  kind: "unreachable" | "failed" | "unauthenticated" | "team-not-found";
  message: string;
}

export type InitialTasks = { page: TaskPage; stats: TaskStats } | { error: InitialTasksError };
