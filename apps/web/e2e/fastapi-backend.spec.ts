// The unchanged web app against the Python backend (backends/fastapi) instead of the TypeScript
// API: the main journey must work the same. A web app and a FastAPI backend of its own, per worker.
import { freePort } from "../../../scripts/lib/processes.ts";
import { addTask, test as base, expect, newUser, signUpViaUi, task } from "./fixtures";
import { createTestDatabase, e2eStack, type TestStack } from "./servers";

const test = base.extend<object, { stack: TestStack }>({
  stack: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function destructures
    async ({}, use, workerInfo) => {
      const database = await createTestDatabase();
      const stack = e2eStack({
        name: "fastapi",
        databaseUrl: database.url,
        webPort: await freePort(3290 + workerInfo.parallelIndex),
        apiPort: await freePort(8290 + workerInfo.parallelIndex),
        backend: "fastapi",
      });
      try {
        await stack.start();
        await use(stack);
      } finally {
        await stack.stop();
        await database.remove();
      }
    },
    { scope: "worker", timeout: 120_000 },
  ],
  baseURL: async ({ stack }, use) => {
    await use(stack.webUrl);
  },
});

test("with the FastAPI backend: sign up, add a task, complete it, and find it after a reload", async ({
  page,
  stack,
}) => {
  const health = await page.request.get(`${stack.apiUrl}/openapi.json`);
  expect(health.ok()).toBe(true);

  await signUpViaUi(page, newUser("Guido"));
  await addTask(page, "Ship the Python backend");
  await addTask(page, "Write its README");

  const toggled = page.waitForResponse(
    (r) => r.request().method() === "PATCH" && r.url().startsWith(stack.apiUrl) && r.ok(),
  );
  await task(page, "Ship the Python backend").check();
  await toggled;
  await expect(task(page, "Ship the Python backend")).toBeChecked();

  await page.reload();
  await expect(task(page, "Ship the Python backend")).toBeChecked();
  await expect(task(page, "Write its README")).not.toBeChecked();
  await expect(page.getByRole("checkbox")).toHaveCount(2);
});
