// Access tokens live 10 s in the test configuration (AUTH_TOKEN_LIFETIME_SECONDS=10) and the
// test API allows no clock skew, so an expired token really is refused.
import type { Page, Request } from "@playwright/test";
import { API_URL, addTask, expect, signInViaUi, task, test, WEB_URL } from "./fixtures";

function claims(authorization: string | undefined): { exp: number; iat: number; sub: string } {
  const token = authorization?.replace(/^Bearer /, "") ?? "";
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    exp: number;
    iat: number;
    sub: string;
  };
}

/** Resolves with the request (and its token) of the next task creation the API accepts. */
function nextCreated(page: Page): Promise<Request> {
  return page
    .waitForResponse(
      (r) => r.url() === `${API_URL()}/api/tasks` && r.request().method() === "POST" && r.status() === 201,
    )
    .then((r) => r.request());
}

test("a change made after the token expired succeeds without signing in again", async ({
  page,
  user: _user,
}) => {
  await page.goto("/tasks");
  const first = nextCreated(page);
  await addTask(page, "Before the token expired");
  const before = claims((await (await first).headerValue("authorization")) ?? undefined);
  expect(before.exp - before.iat).toBe(10);

  await page.waitForTimeout(12_000); // the token the page holds is now expired

  const second = nextCreated(page);
  await addTask(page, "After the token expired");
  const request = await second;
  const after = claims((await request.headerValue("authorization")) ?? undefined);
  expect(after.sub).toBe(before.sub);
  expect(after.iat).toBeGreaterThan(before.iat);
  expect(after.exp * 1000).toBeGreaterThan(Date.now() - 5_000);
  await expect(page).toHaveURL(/\/tasks/);

  await page.reload();
  await expect(task(page, "Before the token expired")).toBeVisible();
  await expect(task(page, "After the token expired")).toBeVisible();
});

test("after the session is revoked the user is sent to sign in, with a message, and comes back", async ({
  page,
  browser,
  user,
  consoleErrors,
}) => {
  consoleErrors.allow(/session/i);
  await page.goto("/tasks");
  await addTask(page, "Water the plants");

  // Another tab of the same browser signs out: Better Auth deletes the session row.
  const otherTab = await browser.newContext({ storageState: await page.context().storageState() });
  const signOut = await otherTab.request.post(`${WEB_URL()}/api/auth/sign-out`, {
    data: {},
    headers: { Origin: WEB_URL() },
  });
  expect(signOut.status(), await signOut.text()).toBe(200);
  await otherTab.close();

  // Once the token the page holds expires, the next change needs a new one, which is refused.
  await page.waitForTimeout(11_000);
  await task(page, "Water the plants").click();

  await expect(page).toHaveURL(/\/sign-in\?/, { timeout: 15_000 });
  await expect(page.getByText("Your session has ended — please sign in again")).toBeVisible();

  // Signing in again returns to the list.
  await signInViaUi(page, user);
  await expect(page).toHaveURL(/\/tasks/);
  await expect(task(page, "Water the plants")).toBeVisible();
});
