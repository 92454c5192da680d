// Personal access tokens on /settings (decision 017): created in the page and shown once, used by
// a script (Node's fetch, no browser) against the API, listed with their last use, revoked, and
// refused by the API from then on.
import type { Page } from "@playwright/test";
import { ageSignIns, API_URL, expect, openBeforeHydration, screenshot, test } from "./fixtures";

function tokensSection(page: Page) {
  return page.getByRole("region", { name: "Access tokens", exact: true });
}

/** A script's request: Node's fetch with the token, no cookie, no browser. */
function asScript(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${API_URL()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  });
}

async function createToken(page: Page, name: string, scope: "Read-only" | "Read and write") {
  const section = tokensSection(page);
  await section.getByLabel("Name", { exact: true }).fill(name);
  await section.getByLabel("Expiry", { exact: true }).selectOption({ label: "30 days" });
  await section.getByRole("radio", { name: scope, exact: true }).check();
  await section.getByRole("button", { name: "Create token" }).click();
}

test("a token is shown once, works for a script until revoked, and stays listed as revoked", async ({
  page,
  user: _user,
}, testInfo) => {
  await page.goto("/settings");
  const section = tokensSection(page);
  await expect(section.getByText("No access tokens yet.")).toBeVisible();

  await createToken(page, "Backup script", "Read-only");
  const shown = section.getByRole("region", { name: "New access token" });
  await expect(shown).toContainText("you won't see it again");
  await expect(shown.getByRole("button", { name: "Copy" })).toBeVisible();
  const token = await shown.getByLabel("Token for Backup script").inputValue();
  expect(token).toMatch(/^tandem_pat_[A-Za-z0-9_-]{43}$/);

  const list = section.getByRole("list", { name: "Access tokens" });
  const item = list.getByRole("listitem").filter({ hasText: "Backup script" });
  await expect(item).toContainText(`${token.slice(0, 15)}…`);
  await expect(item).toContainText("Read-only");
  await expect(item).toContainText("Last used Never");
  await expect(item).not.toContainText(token.slice(15));
  await tokensSection(page).scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, "settings-access-token-created");

  // The script reads the owner's tasks; a read-only token may not write.
  const read = await asScript(token, "/api/tasks");
  expect(read.status, await read.clone().text()).toBe(200);
  expect(((await read.json()) as { items: unknown[] }).items).toEqual([]);
  const write = await asScript(token, "/api/tasks", { method: "POST", body: JSON.stringify({ title: "x" }) });
  expect(write.status).toBe(403);

  // Shown once: after a reload the page has only the hint, and the use is listed.
  await expect
    .poll(
      async () => {
        await page.reload();
        return tokensSection(page).getByRole("listitem").filter({ hasText: "Backup script" }).innerText();
      },
      { timeout: 15_000 },
    )
    .not.toContain("Last used Never");
  expect(await page.content()).not.toContain(token.slice(15));
  await expect(tokensSection(page).getByRole("region", { name: "New access token" })).toHaveCount(0);

  page.once("dialog", (dialog) => void dialog.accept());
  await tokensSection(page).getByRole("button", { name: "Revoke Backup script" }).click();
  await expect(tokensSection(page).getByRole("status")).toHaveText("Token “Backup script” revoked.");
  const revoked = tokensSection(page).getByRole("listitem").filter({ hasText: "Backup script" });
  await expect(revoked).toContainText("Revoked");
  await expect(revoked.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  // The API refuses it within its revocation bound.
  await expect.poll(async () => (await asScript(token, "/api/tasks")).status, { timeout: 15_000 }).toBe(401);
});

test("revoking asks first, and Cancel keeps the token", async ({ page, user: _user }) => {
  await page.goto("/settings");
  await createToken(page, "Deploy", "Read and write");
  const shown = tokensSection(page).getByRole("region", { name: "New access token" });
  const token = await shown.getByLabel("Token for Deploy").inputValue();
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);

  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await tokensSection(page).getByRole("button", { name: "Revoke Deploy" }).click();
  await expect.poll(() => asked).toContain("Revoke “Deploy”?");
  await expect(tokensSection(page).getByRole("button", { name: "Revoke Deploy" })).toBeEnabled();
  const created = await asScript(token, "/api/tasks", {
    method: "POST",
    body: JSON.stringify({ title: "Hi" }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
});

test("a chosen date sets the expiry; names and old sign-ins are refused with a reason", async ({
  page,
  user,
}) => {
  await page.goto("/settings");
  const section = tokensSection(page);
  await section.getByRole("button", { name: "Create token" }).click();
  await expect(section.getByRole("alert")).toHaveText("Give the token a name.");

  await section.getByLabel("Name", { exact: true }).fill("Nightly report");
  await section.getByLabel("Expiry", { exact: true }).selectOption({ label: "Choose a date…" });
  const date = section.getByLabel("Expiry date", { exact: true });
  const max = await date.getAttribute("max");
  expect(max).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await date.fill(max ?? "");
  await section.getByRole("button", { name: "Create token" }).click();
  await expect(section.getByRole("region", { name: "New access token" })).toBeVisible();
  const [year, month, day] = (max ?? "").split("-").map(Number);
  const expected = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(
    new Date(year ?? 0, (month ?? 1) - 1, day ?? 1),
  );
  await expect(section.getByRole("listitem").filter({ hasText: "Nightly report" })).toContainText(
    `Expires ${expected}`,
  );

  // Creating a token needs a sign-in from the last 10 minutes.
  await ageSignIns(user.email, 11 * 60);
  await page.reload();
  await createToken(page, "Too late", "Read-only");
  await expect(tokensSection(page).getByRole("alert")).toContainText("needs a recent sign-in");
  await expect(tokensSection(page).getByRole("listitem").filter({ hasText: "Too late" })).toHaveCount(0);
});

test("what is typed and chosen before the page hydrates is what the token gets", async ({
  page,
  user: _user,
}) => {
  // The form is filled in while the page's scripts are held, as on a slow connection.
  const release = await openBeforeHydration(page, "/settings");
  const section = tokensSection(page);
  await expect(section.getByRole("button", { name: "Create token" })).toBeDisabled();
  await section.getByLabel("Name", { exact: true }).fill("Early script");
  await section.getByLabel("Expiry", { exact: true }).selectOption({ label: "7 days" });
  await section.getByRole("radio", { name: "Read and write", exact: true }).check();
  release();

  await section.getByRole("button", { name: "Create token" }).click();
  const token = await section
    .getByRole("region", { name: "New access token" })
    .getByLabel("Token for Early script")
    .inputValue();
  const item = section.getByRole("list", { name: "Access tokens" }).getByRole("listitem");
  await expect(item.filter({ hasText: "Early script" })).toContainText("Read and write");
  const write = await asScript(token, "/api/tasks", {
    method: "POST",
    body: JSON.stringify({ title: "early" }),
  });
  expect(write.status).toBe(201);
});
