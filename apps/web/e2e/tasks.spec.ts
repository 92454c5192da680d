// The main journey: sign up, then add, edit, complete, filter, search, sort, page and delete
// tasks; everything survives a reload.
import {
  addTask,
  expect,
  filter,
  newUser,
  openBeforeHydration,
  seedTasks,
  signUpViaApi,
  signUpViaUi,
  task,
  taskCreated,
  test,
  WEB_URL,
} from "./fixtures";

test("sign up, manage tasks, and find them all again after a reload", async ({ page }) => {
  await signUpViaUi(page, newUser("Grace Hopper"));

  // Add
  await addTask(page, "Buy oat milk");
  await addTask(page, "Write the quarterly report");
  await addTask(page, "Call the plumber");

  // Edit inline: the title field takes focus with the title in it; Enter saves.
  await page.getByRole("button", { name: 'Edit "Call the plumber"', exact: true }).click();
  const editField = page.getByRole("textbox", { name: "Title", exact: true });
  await expect(editField).toBeFocused();
  await expect(editField).toHaveValue("Call the plumber");
  await editField.fill("Call the electrician");
  await editField.press("Enter");
  await expect(task(page, "Call the electrician")).toBeVisible();
  await expect(task(page, "Call the plumber")).toHaveCount(0);

  // Complete
  await task(page, "Buy oat milk").check();
  await expect(task(page, "Buy oat milk")).toBeChecked();

  // Filter, with counts
  await expect(filter(page, "All")).toHaveAccessibleName(/\b3\b/);
  await expect(filter(page, "Active")).toHaveAccessibleName(/\b2\b/);
  await expect(filter(page, "Completed")).toHaveAccessibleName(/\b1\b/);
  await filter(page, "Active").click();
  await expect(task(page, "Buy oat milk")).toHaveCount(0);
  await expect(task(page, "Call the electrician")).toBeVisible();
  await expect(task(page, "Write the quarterly report")).toBeVisible();
  await filter(page, "Completed").click();
  await expect(task(page, "Buy oat milk")).toBeVisible();
  await expect(task(page, "Call the electrician")).toHaveCount(0);
  await filter(page, "All").click();
  await expect(page.getByRole("checkbox")).toHaveCount(3);

  // Search (case-insensitive, on the server)
  const search = page.getByLabel("Search", { exact: true });
  await search.fill("REPORT");
  await expect(task(page, "Write the quarterly report")).toBeVisible();
  await expect(page.getByRole("checkbox")).toHaveCount(1);
  await search.fill("");
  await expect(page.getByRole("checkbox")).toHaveCount(3);

  // Delete, undo, delete for good (the API call may wait until the undo toast expires)
  await page.getByRole("button", { name: 'Delete "Write the quarterly report"', exact: true }).click();
  await expect(task(page, "Write the quarterly report")).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(task(page, "Write the quarterly report")).toBeVisible();
  const deleted = page.waitForResponse(
    (r) => r.request().method() === "DELETE" && r.url().includes("/api/tasks/") && r.ok(),
    { timeout: 30_000 },
  );
  await page.getByRole("button", { name: 'Delete "Write the quarterly report"', exact: true }).click();
  await expect(task(page, "Write the quarterly report")).toHaveCount(0);
  await deleted;

  // Reload: everything is as we left it, rendered by the server
  await page.reload();
  await expect(task(page, "Buy oat milk")).toBeChecked();
  await expect(task(page, "Call the electrician")).not.toBeChecked();
  await expect(task(page, "Write the quarterly report")).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(2);
  await expect(filter(page, "All")).toHaveAccessibleName(/\b2\b/);
});

test("the first page arrives in the server-rendered HTML", async ({ page, user: _user }) => {
  await seedTasks(page, [{ title: "Rendered on the server" }]);
  const response = await page.request.get("/tasks");
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain("Rendered on the server");
});

test("before the page's script runs, a new task can be typed but not sent", async ({ browser }) => {
  // A submit before hydration would reload the page and lose the title; a tick, a filter or a sort
  // would show and do nothing.
  const context = await browser.newContext({ baseURL: WEB_URL(), javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await signUpViaApi(page, newUser());
    await seedTasks(page, [{ title: "Already planned" }]);
    await page.goto("/tasks");
    await page.getByLabel("New task", { exact: true }).fill("Typed early");
    await expect(page.getByRole("button", { name: "Add task", exact: true })).toBeDisabled();
    await expect(task(page, "Already planned")).toBeDisabled();
    await expect(page.getByRole("button", { name: 'Edit "Already planned"' })).toBeDisabled();
    await expect(page.getByRole("radio", { name: /^Active/ })).toBeDisabled();
    await expect(page.getByLabel("Search", { exact: true })).toBeDisabled();
    await expect(page.getByLabel("Sort", { exact: true })).toBeDisabled();
  } finally {
    await context.close();
  }
});

test("what is typed before the page hydrates is the task that is added", async ({ page, user: _user }) => {
  // The form is filled in while the page's scripts are held, as on a slow connection.
  const release = await openBeforeHydration(page, "/tasks");
  const add = page.getByRole("button", { name: "Add task", exact: true });
  await expect(add).toBeDisabled();
  await page.getByLabel("New task", { exact: true }).fill("Typed while loading");
  await page.getByLabel("Priority", { exact: true }).selectOption({ label: "High" });
  release();

  // The task shows and the form clears before the API has answered: reload only after the 201, or
  // the reload can cancel the create (seen in CI on a busy machine).
  const created = taskCreated(page);
  await add.click();
  await expect(task(page, "Typed while loading")).toBeVisible();
  await expect(page.getByLabel("New task", { exact: true })).toHaveValue("");
  expect((await created).status()).toBe(201);
  await page.reload();
  await expect(page.getByRole("listitem").filter({ has: task(page, "Typed while loading") })).toContainText(
    "High",
  );
});

test("priority and due date are kept; sort and Load more work", async ({ page, user: _user }) => {
  await page.goto("/tasks");
  await page.getByLabel("New task", { exact: true }).fill("Renew passport");
  await page.getByLabel("Priority", { exact: true }).selectOption({ label: "High" });
  await page.getByLabel("Due date", { exact: true }).fill("2031-05-17");
  await page.getByRole("button", { name: "Add task", exact: true }).click();
  await expect(task(page, "Renew passport")).toBeVisible();

  // 24 more, so the list needs a second page (20 per page).
  const titles = Array.from({ length: 24 }, (_, i) => `Chore ${String(i + 1).padStart(2, "0")}`);
  await seedTasks(
    page,
    titles.map((title) => ({ title, priority: "low" })),
  );
  await page.reload();
  await expect(page.getByRole("checkbox")).toHaveCount(20);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByRole("checkbox")).toHaveCount(25);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // Sort by title: "Chore 01" first; by priority: the high one first.
  await page.getByLabel("Sort", { exact: true }).selectOption({ label: "Title" });
  await expect(page.getByRole("checkbox").first()).toHaveAccessibleName("Chore 01");
  await page.getByLabel("Sort", { exact: true }).selectOption({ label: "Priority" });
  await expect(page.getByRole("checkbox").first()).toHaveAccessibleName("Renew passport");
  await page.reload();
  await expect(page.getByLabel("Sort", { exact: true })).toHaveValue("priority");
  await expect(page.getByRole("checkbox").first()).toHaveAccessibleName("Renew passport");

  // The due date survived the round trip (shown in some human form of 17 May 2031).
  const row = page.getByRole("listitem").filter({ has: task(page, "Renew passport") });
  await expect(row).toContainText(/17|May/);
  await expect(row).toContainText(/High/i);
});
