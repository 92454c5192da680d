// Screenshots for people reviewing the UI (attached to the report and saved under
// test-results/screenshots/), plus a check that the dark theme follows the system setting.
import type { Page } from "@playwright/test";
import { API_URL, daysFromNow, expect, screenshot, seedTasks, task, test, WEB_URL } from "./fixtures";

const FULL_LIST = [
  { title: "Book flights to Lisbon", priority: "high", dueAt: daysFromNow(2) },
  { title: "Review Priya's pull request", priority: "high", dueAt: daysFromNow(0) },
  { title: "Renew the car insurance", priority: "medium", dueAt: daysFromNow(-1) },
  { title: "Plan the team offsite", description: "Venue, agenda, budget", priority: "medium" },
  { title: "Water the plants", priority: "low", completed: true },
  { title: "Send the invoice to ACME", priority: "medium", completed: true },
  { title: "Read 'Designing Data-Intensive Applications'", priority: "low" },
] as const;

/** Relative luminance (0 dark … 1 light) of the page background. */
async function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
    const body = parse(getComputedStyle(document.body).backgroundColor);
    // A transparent body shows the root element's background.
    const [r = 0, g = 0, b = 0] =
      body[3] === 0 ? parse(getComputedStyle(document.documentElement).backgroundColor) : body;
    const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  });
}

test.describe("light theme", () => {
  test.use({ colorScheme: "light" });

  test("sign-in page", async ({ page }, testInfo) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    expect(await backgroundLuminance(page)).toBeGreaterThan(0.5);
    await screenshot(page, testInfo, "sign-in");
  });

  test("empty task list", async ({ page, user: _user }, testInfo) => {
    await page.goto("/tasks");
    await expect(page.getByLabel("New task", { exact: true })).toBeVisible();
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await screenshot(page, testInfo, "tasks-empty");
  });

  test("full task list", async ({ page, user: _user }, testInfo) => {
    await seedTasks(page, [...FULL_LIST]);
    await page.goto("/tasks");
    await expect(page.getByRole("checkbox")).toHaveCount(FULL_LIST.length);
    await expect(task(page, "Water the plants")).toBeChecked();
    await screenshot(page, testInfo, "tasks-full");
  });

  test("phone width", async ({ page, user: _user }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await seedTasks(page, FULL_LIST.slice(0, 4));
    await page.goto("/tasks");
    await expect(page.getByRole("checkbox")).toHaveCount(4);
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, testInfo, "tasks-phone");
  });
});

/** A team of the page's user (created through Better Auth) holding `tasks`; returns its id. */
async function seedTeam(page: Page, name: string, tasks: readonly { title: string }[]): Promise<string> {
  const created = await page.request.post(`${WEB_URL()}/api/auth/organization/create`, {
    data: { name, slug: `shots-${Date.now()}` },
    headers: { Origin: WEB_URL() },
  });
  expect(created.status(), await created.text()).toBe(200);
  const { id } = (await created.json()) as { id: string };
  for (const body of tasks) {
    const { token } = (await (await page.request.get(`${WEB_URL()}/api/auth/token`)).json()) as {
      token: string;
    };
    const response = await page.request.post(`${API_URL()}/api/teams/${id}/tasks`, {
      data: body,
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  return id;
}

test("a team's list and its settings", async ({ page, user: _user }, testInfo) => {
  const teamId = await seedTeam(page, "Launch crew", FULL_LIST.slice(0, 4));
  await page.goto(`/teams/${teamId}/tasks`);
  await expect(page.getByRole("checkbox")).toHaveCount(4);
  await screenshot(page, testInfo, "team-tasks");
  await page.getByRole("link", { name: "Team settings" }).click();
  await expect(page.getByRole("button", { name: "Invite member" })).toBeVisible();
  await screenshot(page, testInfo, "team-settings");
});

test.describe("dark theme", () => {
  test.use({ colorScheme: "dark" });

  test("follows the system setting", async ({ page, user: _user }, testInfo) => {
    await seedTasks(page, [...FULL_LIST]);
    await page.goto("/tasks");
    await expect(page.getByRole("checkbox")).toHaveCount(FULL_LIST.length);
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    await screenshot(page, testInfo, "tasks-dark");

    await page.context().clearCookies();
    await page.goto("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    expect(await backgroundLuminance(page)).toBeLessThan(0.2);
    await screenshot(page, testInfo, "sign-in-dark");
  });
});
