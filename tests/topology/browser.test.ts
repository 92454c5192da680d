// A browser through the balancer: Chromium signs up, adds a task, reloads (the list comes back from
// whichever instances answer), and signs out. The page's own API calls go to the API frontend.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "@playwright/test";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeTopology, useTopology } from "./support/use-topology.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// As apps/web/playwright.config.ts launches it.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const WAIT_MS = 20_000;

describeTopology("a browser through the balancer", () => {
  const topology = useTopology({ web: { AUTH_RATE_LIMIT: "off" } });
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error("No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const visible = (page: Page, text: string) =>
    page.getByText(text, { exact: true }).first().waitFor({ state: "visible", timeout: WAIT_MS });

  it("signs up, adds a task, reloads, and signs out", async () => {
    const t = topology();
    const context = await browser.newContext({ baseURL: t.webUrl });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      await page.goto("/sign-up");
      const password = `Pw-${randomBytes(9).toString("base64url")}`;
      await page.getByLabel("Name", { exact: true }).fill("Topology Browser");
      await page
        .getByLabel("Email", { exact: true })
        .fill(`browser-${randomBytes(6).toString("hex")}@example.test`);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByLabel("Confirm password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(/\/tasks(\?|$)/, { timeout: WAIT_MS });

      const title = "Check the balancer";
      await page.getByLabel("New task", { exact: true }).fill(title);
      const created = page.waitForResponse(
        (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/tasks",
        { timeout: WAIT_MS },
      );
      await page.getByRole("button", { name: "Add task", exact: true }).click();
      const response = await created;
      expect(response.status()).toBe(201);
      expect(new URL(response.url()).origin, "the browser calls the API frontend").toBe(t.apiUrl);
      await visible(page, title);

      await page.reload();
      await visible(page, title);

      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(/\/settings$/, { timeout: WAIT_MS });
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/sign-in/, { timeout: WAIT_MS });
      await page.goto("/tasks");
      await page.waitForURL(/\/sign-in\?next=%2Ftasks/, { timeout: WAIT_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
