import type { Task } from "@tandem/contracts/client";
import { createContext, type ReactNode } from "react";

/**
 * What a list adds to the shared task screen: a team's list is read-only for viewers, shows who
 * created each task and who it is assigned to, and offers the members as assignees. The personal
 * list provides nothing, so none of the team's code reaches its page.
 */
export interface TaskListExtras {
  /** Nothing that changes a task is offered (a viewer of a team). */
  readOnly: boolean;
  /** More facts about a task, shown with its priority and due date. */
  details?: (task: Task) => ReactNode;
  /** The people a task may be assigned to; absent where tasks have no assignee. */
  assignees?: readonly { userId: string; name: string }[];
}

export const TaskListExtrasContext = createContext<TaskListExtras>({ readOnly: false });
