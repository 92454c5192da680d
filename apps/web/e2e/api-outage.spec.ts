// The API goes away and comes back. These tests stop the API, so they get a web app and an API
// of their own (started per worker) instead of the shared ones the other tests use.
import { addTask, expect, task, taskCreated, testWithOwnStack } from "./fixtures";

const test = testWithOwnStack({ name: "outage", webPort: 3190, apiPort: 8190 });

// One after the other, in one worker: they share the stack and stop its API.
test.describe.configure({ mode: "default" });

test.afterEach(async ({ stack }) => {
  await stack.startApi(); // whatever happened, the next test starts with the API up
});

test("a change while the API is down shows the banner, keeps the text, and recovers", async ({
  page,
  stack,
  user: _user,
  consoleErrors,
}) => {
  consoleErrors.allow(/task service|fetch/i);
  await page.goto("/tasks");
  await addTask(page, "Written before the outage");

  await stack.stopApi();
  await page.getByLabel("New task", { exact: true }).fill("Typed during the outage");
  await page.getByRole("button", { name: "Add task", exact: true }).click();
  const retry = page.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();
  await expect(page.getByRole("alert").filter({ has: retry })).toBeVisible();
  // Nothing typed is lost: the text is back in the field (or still pending in the list).
  const newTask = page.getByLabel("New task", { exact: true });
  await expect
    .poll(
      async () =>
        (await newTask.inputValue()) === "Typed during the outage" ||
        (await task(page, "Typed during the outage").count()) === 1,
    )
    .toBe(true);
  await expect(task(page, "Written before the outage")).toBeVisible();

  await stack.startApi();
  await retry.click();
  await expect(retry).toHaveCount(0);
  await expect(task(page, "Written before the outage")).toBeVisible();

  // The kept text can be sent now. The task shows before the API has answered: reload only after
  // the 201, or the reload can cancel the create.
  if ((await newTask.inputValue()) === "Typed during the outage") {
    const created = taskCreated(page);
    await page.getByRole("button", { name: "Add task", exact: true }).click();
    expect((await created).status()).toBe(201);
  }
  await expect(task(page, "Typed during the outage")).toBeVisible();
  await page.reload();
  await expect(task(page, "Typed during the outage")).toBeVisible();
  await expect(page.getByRole("checkbox")).toHaveCount(2);
});

test("opening /tasks while the API is down shows the banner, then the list once it is back", async ({
  page,
  stack,
  user: _user,
  consoleErrors,
}) => {
  consoleErrors.allow(/task service|fetch/i);
  await page.goto("/tasks");
  await addTask(page, "Still here afterwards");

  await stack.stopApi();
  await page.reload();
  const retry = page.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();

  await stack.startApi();
  await retry.click();
  await expect(retry).toHaveCount(0);
  await expect(task(page, "Still here afterwards")).toBeVisible();
});
