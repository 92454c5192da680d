// Fixtures and helpers for the browser tests. Specs import `test` and `expect` from here, never
// from @playwright/test, so every page points at the servers from global-setup.ts and fails on
// unexpected console errors.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  test as base,
  expect,
  type Locator,
  type Page,
  type Response,
  type TestInfo,
} from "@playwright/test";
import {
  type Backend,
  type CaughtMessage,
  type Env,
  freePort,
  mailbox as mailboxClient,
} from "@tandem/stack";
import { createDb } from "@tandem/db";
import { createTestDatabase, e2eStack, type TestStack } from "./servers";

export { expect };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests with \`npm run test:e2e\``);
  return value;
}

/** Where the servers started by global-setup.ts listen. */
export const WEB_URL = (): string => required("TANDEM_E2E_WEB_URL");
export const API_URL = (): string => required("TANDEM_E2E_API_URL");
export const MAILBOX_URL = (): string => required("TANDEM_E2E_MAILBOX_URL");

/**
 * Dates every session of `email` as signed in `seconds` ago (their last use stays as it is): how a
 * test reaches the state of a user who signed in long ago, without waiting.
 */
export async function ageSignIns(email: string, seconds: number): Promise<void> {
  const database = createDb(required("TANDEM_E2E_DATABASE_URL"));
  try {
    const user = await database.db
      .selectFrom("user")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable("session")
      .set({ createdAt: new Date(Date.now() - seconds * 1000).toISOString() })
      .where("userId", "=", user.id)
      .execute();
  } finally {
    await database.destroy();
  }
}

/** The mail the web app sent, read from a stack's mail catcher (default: the main stack's). */
export function mailbox(url: string = MAILBOX_URL()) {
  return mailboxClient(url);
}

/** The link in `message` whose path and query start with `pathPrefix` (e.g. "/reset-password?token="). */
export function linkFrom(message: CaughtMessage, pathPrefix: string): string {
  const found = message.links.find((link) => {
    const url = new URL(link);
    return `${url.pathname}${url.search}`.startsWith(pathPrefix);
  });
  if (found === undefined)
    throw new Error(`no ${pathPrefix} link in "${message.subject}": ${message.links.join(", ")}`);
  return found;
}

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

/** Fresh credentials, unique across workers and runs. */
export function newUser(name = "Ada Lovelace"): TestUser {
  return { name, email: `e2e-${randomUUID()}@example.test`, password: "correct-horse-battery" };
}

/** Console errors the page logged; a test fails on any it did not declare expected. */
export interface ConsoleWatch {
  /** Errors matching `pattern` (in any page of this test) are expected. */
  allow(pattern: RegExp): void;
  /** Also watch a page opened in another context. */
  watch(page: Page): void;
}

// Chromium reports every non-2xx response and refused connection as a console error of its own;
// the tests provoke those on purpose (401 before a renewal, the API stopped).
const NETWORK_NOISE = /^Failed to load resource|net::ERR_|status of 4\d\d/;

interface Fixtures {
  consoleErrors: ConsoleWatch;
  /** A user signed up through the API (fast) whose session cookie is in `page`'s context. */
  user: TestUser;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function destructures
  baseURL: async ({}, use) => {
    await use(WEB_URL());
  },

  consoleErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [NETWORK_NOISE];
      const watch = (p: Page) => {
        p.on("console", (message) => {
          if (message.type() === "error") errors.push(message.text());
        });
        p.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
      };
      watch(page);
      await use({ allow: (pattern) => allowed.push(pattern), watch });
      const unexpected = errors.filter((text) => !allowed.some((pattern) => pattern.test(text)));
      if (unexpected.length > 0) {
        await testInfo.attach("console-errors", { body: unexpected.join("\n"), contentType: "text/plain" });
        expect(unexpected, "the page logged errors to the console").toEqual([]);
      }
    },
    { auto: true },
  ],

  user: async ({ page, baseURL }, use) => {
    const user = newUser();
    await signUpViaApi(page, user, baseURL ?? WEB_URL());
    await use(user);
  },
});

/**
 * `test` with a web app and an API of the worker's own (the `stack` fixture, which `baseURL`
 * follows), for tests that stop a service or use another backend. Each parallel worker takes the
 * ports `webPort + index` and `apiPort + index` (or free ones), so two never race for a port.
 *
 * @example
 * const test = testWithOwnStack({ name: "outage", webPort: 3190, apiPort: 8190 });
 */
export function testWithOwnStack(options: {
  name: string;
  webPort: number;
  apiPort: number;
  backend?: Backend;
  /** Extra settings for the web app (e.g. AUTH_REQUIRE_EMAIL_VERIFICATION). */
  web?: Env;
}) {
  return test.extend<object, { stack: TestStack }>({
    stack: [
      // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function destructures
      async ({}, use, workerInfo) => {
        const database = await createTestDatabase();
        const stack = e2eStack({
          name: options.name,
          databaseUrl: database.url,
          webPort: await freePort(options.webPort + workerInfo.parallelIndex),
          apiPort: await freePort(options.apiPort + workerInfo.parallelIndex),
          ...(options.backend === undefined ? {} : { backend: options.backend }),
          ...(options.web === undefined ? {} : { web: options.web }),
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
}

/**
 * Opens `path` with the page's scripts held back, so the server's HTML is on screen and not yet
 * hydrated; the returned function lets the scripts load.
 */
export async function openBeforeHydration(page: Page, path: string): Promise<() => void> {
  let release = () => {};
  const scriptsMayLoad = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsMayLoad;
    await route.continue();
  });
  await page.goto(path, { waitUntil: "domcontentloaded" });
  return release;
}

/** Signs up through Better Auth's endpoint from the page's context (the cookie lands there). */
export async function signUpViaApi(page: Page, user: TestUser, webUrl = WEB_URL()): Promise<void> {
  const response = await page.request.post(`${webUrl}/api/auth/sign-up/email`, {
    data: user,
    headers: { Origin: webUrl },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** Signs up through the form and lands on /tasks. */
export async function signUpViaUi(page: Page, user: TestUser): Promise<void> {
  await submitSignUp(page, user);
  await expect(page).toHaveURL(/\/tasks(\?|$)/);
}

/** Fills in and sends the sign-up form (where it leads depends on the stack's settings). */
export async function submitSignUp(page: Page, user: TestUser): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(user.name);
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Confirm password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

export async function signInViaUi(page: Page, user: Pick<TestUser, "email" | "password">): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export interface SeedTask {
  title: string;
  description?: string;
  completed?: boolean;
  priority?: "low" | "medium" | "high";
  dueAt?: string;
}

/** Creates tasks straight through the API with the page's session (much faster than the form). */
export async function seedTasks(page: Page, tasks: SeedTask[]): Promise<void> {
  for (const body of tasks) {
    // A token per task: they live 10 s in the tests.
    const tokenResponse = await page.request.get(`${WEB_URL()}/api/auth/token`);
    expect(tokenResponse.status()).toBe(200);
    const { token } = (await tokenResponse.json()) as { token: string };
    const response = await page.request.post(`${API_URL()}/api/tasks`, {
      data: body,
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
}

/** A day `days` from today at noon (local), as the API wants it. */
export function daysFromNow(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  date.setHours(12, 0, 0, 0);
  return date.toISOString();
}

/** The checkbox of the task titled `title` (its accessible name is the title). */
export function task(page: Page, title: string): Locator {
  return page.getByRole("checkbox", { name: title, exact: true });
}

/**
 * The API's answer to the next task create (POST /api/tasks). The list shows a new task before the
 * API answers, so a test that reloads after adding one waits for this first.
 */
export function taskCreated(page: Page): Promise<Response> {
  return page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/tasks",
  );
}

/**
 * Adds a task through the "New task" field and waits until it is in the list and the API has
 * stored it (the list shows it optimistically, before the API answers; a reload in between would
 * abort the request).
 */
export async function addTask(page: Page, title: string): Promise<void> {
  const input = page.getByLabel("New task", { exact: true });
  await input.fill(title);
  const created = taskCreated(page);
  await page.getByRole("button", { name: "Add task", exact: true }).click();
  await expect(task(page, title)).toBeVisible();
  await expect(input).toHaveValue("");
  expect((await created).status()).toBe(201);
}

/** The All / Active / Completed filter control (a button, tab, radio or link) whose name starts with `label`. */
export function filter(page: Page, label: "All" | "Active" | "Completed"): Locator {
  const name = new RegExp(`^${label}\\b`);
  return page
    .getByRole("tab", { name })
    .or(page.getByRole("radio", { name }))
    .or(page.getByRole("button", { name }))
    .or(page.getByRole("link", { name }))
    .first();
}

/** Waits for the list to settle: no task request in flight for a moment. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
}

/** Saves a full-page screenshot as a test attachment and under test-results/screenshots/. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const dir = join(testInfo.project.outputDir, "screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  await testInfo.attach(name, { path, contentType: "image/png" });
}
