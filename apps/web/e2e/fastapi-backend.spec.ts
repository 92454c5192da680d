// The unchanged web app against the Python backend (backends/fastapi) instead of the TypeScript
// API: the main journey must work the same. A web app and a FastAPI backend of its own, per worker.
import { addTask, expect, newUser, signUpViaUi, task, testWithOwnStack } from "./fixtures";

const test = testWithOwnStack({ name: "fastapi", webPort: 3290, apiPort: 8290, backend: "fastapi" });

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
