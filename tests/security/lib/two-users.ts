// Alice attacks, Bob owns a task: the cast of the isolation and input-validation groups.
import { expect } from "vitest";
import type { Account, SecurityStack } from "./stack.ts";

export interface Task {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: string;
}

/** Signs Alice and Bob up on `stack` and gives Bob one private task. */
export async function aliceAndBobsTask(
  stack: SecurityStack,
): Promise<{ alice: Account; bob: Account; bobTask: Task }> {
  const [alice, bob] = await Promise.all([stack.signUp({ name: "Alice" }), stack.signUp({ name: "Bob" })]);
  const created = await stack.api("/api/tasks", {
    token: bob.token,
    json: { title: "Bob's plan", description: "private" },
  });
  return { alice, bob, bobTask: created.json<Task>() };
}

/** The owner's task is exactly as they created it. */
export async function expectTaskUntouched(stack: SecurityStack, owner: Account, task: Task): Promise<void> {
  const response = await stack.api(`/api/tasks/${task.id}`, { token: owner.token });
  expect(response.status).toBe(200);
  expect(response.json()).toEqual(task);
}
