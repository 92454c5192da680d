"use client";

import type { InitialTasks } from "@/lib/initial-tasks";
import type { TaskView } from "./task-helpers";
import { TaskScreen } from "./task-screen";
import styles from "./tasks.module.css";
import { useTaskClient } from "./use-task-client";
import { useTasks } from "./use-tasks";

export interface TasksAppProps {
  /** The API's public URL, read by the server at run time (not baked into the bundle). */
  apiUrl: string;
  initial: InitialTasks;
  initialView: TaskView;
}

/** The personal tasks page. It starts from the server-rendered first page, then talks to the API itself. */
export function TasksApp({ apiUrl, initial, initialView }: TasksAppProps) {
  const { client, sessionEnded } = useTaskClient(apiUrl);
  const tasks = useTasks(client, initial, initialView);
  return (
    <TaskScreen tasks={tasks} sessionEnded={sessionEnded} title={<h1 className={styles.title}>Tasks</h1>} />
  );
}
