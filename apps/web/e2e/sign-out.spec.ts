// Signing out ends access: /tasks sends you to sign in, and the back button shows no task data.
import { addTask, expect, test } from "./fixtures";

test("after signing out, /tasks redirects to sign-in and Back shows no tasks", async ({
  page,
  user: _user,
}) => {
  await page.goto("/tasks");
  await addTask(page, "Private plans for Tuesday");

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // Back to the /tasks entry: it must be checked again, not restored from a cache.
  await page.goBack();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText("Private plans for Tuesday")).toHaveCount(0);

  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ftasks/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByText("Private plans for Tuesday")).toHaveCount(0);

  // The session is really gone on the server, not just the cookie in this tab.
  const token = await page.request.get("/api/auth/token");
  expect(token.status()).toBe(401);
});
