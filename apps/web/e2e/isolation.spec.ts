// Two people at once, in separate browser contexts: neither ever sees the other's tasks.
import { addTask, expect, newUser, signUpViaApi, task, test } from "./fixtures";

test("two users never see each other's tasks", async ({ browser, baseURL, consoleErrors }) => {
  const alice = await browser.newContext({ baseURL });
  const bob = await browser.newContext({ baseURL });
  try {
    const alicePage = await alice.newPage();
    const bobPage = await bob.newPage();
    consoleErrors.watch(alicePage);
    consoleErrors.watch(bobPage);
    await signUpViaApi(alicePage, newUser("Alice"));
    await signUpViaApi(bobPage, newUser("Bob"));

    await alicePage.goto("/tasks");
    await bobPage.goto("/tasks");
    await addTask(alicePage, "Alice's surprise party");
    await addTask(bobPage, "Bob's dentist appointment");

    for (const [page, own, other] of [
      [alicePage, "Alice's surprise party", "Bob's dentist appointment"],
      [bobPage, "Bob's dentist appointment", "Alice's surprise party"],
    ] as const) {
      await page.reload();
      await expect(task(page, own)).toBeVisible();
      await expect(page.getByRole("checkbox")).toHaveCount(1);
      await expect(page.getByText(other)).toHaveCount(0);
      // Not even through search.
      await page.getByLabel("Search", { exact: true }).fill(other.slice(0, 5));
      await expect(page.getByRole("checkbox")).toHaveCount(0);
      expect(await page.content()).not.toContain(other);
    }
  } finally {
    await alice.close();
    await bob.close();
  }
});
