// Teams (decision 016) end to end: two people in two browsers share a list through a mailed
// invitation, a removal reaches the removed member at their next action, and a viewer sees a
// read-only list. The API checks membership per request (bound: 5 s in this stack).
import type { Browser, Page } from "@playwright/test";
import {
  expect,
  linkFrom,
  mailbox,
  newUser,
  signUpViaApi,
  task,
  test,
  type TestUser,
  WEB_URL,
} from "./fixtures";

async function browserFor(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: WEB_URL() });
  return context.newPage();
}

/** Creates a team through the UI and returns its id (the page ends on the team's list). */
async function createTeam(page: Page, name: string): Promise<string> {
  await page.goto("/tasks");
  await page.getByRole("link", { name: "New team" }).click();
  await page.getByLabel("Team name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/teams\/[^/]+\/tasks/);
  const id = /\/teams\/([^/]+)\/tasks/.exec(page.url())?.[1];
  if (id === undefined) throw new Error(`no team id in ${page.url()}`);
  return id;
}

/** Sends an invitation from the team settings page; returns the mailed link. */
async function invite(page: Page, teamId: string, email: string, role: "viewer" | "member" | "admin") {
  await page.goto(`/teams/${teamId}/settings`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Invite member" }).click();
  await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();
  const message = await mailbox().waitFor(email, (m) => /invited you to/i.test(m.subject));
  return linkFrom(message, "/invitations/");
}

/** Adds a task on a team list and waits until the API stored it. */
async function addTeamTask(page: Page, title: string): Promise<void> {
  const created = page.waitForResponse(
    (r) => r.request().method() === "POST" && /\/api\/teams\/[^/]+\/tasks$/.test(new URL(r.url()).pathname),
  );
  await page.getByLabel("New task", { exact: true }).fill(title);
  await page.getByRole("button", { name: "Add task", exact: true }).click();
  expect((await created).status()).toBe(201);
  await expect(task(page, title)).toBeVisible();
}

/** Joins `member` to the team by a mailed invitation accepted on the invitation page. */
async function joinByInvitation(memberPage: Page, link: string): Promise<void> {
  await memberPage.goto(link);
  await memberPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(memberPage).toHaveURL(/\/teams\/[^/]+\/tasks/);
}

test("the owner invites by email, the invitee signs up from the mail, and both share one list", async ({
  browser,
  consoleErrors,
}) => {
  const owner = await browserFor(browser);
  const invitee = await browserFor(browser);
  consoleErrors.watch(owner);
  consoleErrors.watch(invitee);
  await signUpViaApi(owner, newUser("Olive Owner"));
  const teamId = await createTeam(owner, "Launch crew");
  await expect(owner.getByLabel("List", { exact: true })).toHaveValue(new RegExp(teamId));

  const grace: TestUser = newUser("Grace Invitee");
  const link = await invite(owner, teamId, grace.email, "member");

  // No account yet: the invitation page offers sign-up and comes back afterwards.
  await invitee.goto(link);
  await expect(invitee.getByText("Olive Owner invited you to join Launch crew as member.")).toBeVisible();
  await invitee.getByRole("link", { name: "Sign up" }).click();
  await invitee.getByLabel("Name", { exact: true }).fill(grace.name);
  await invitee.getByLabel("Email", { exact: true }).fill(grace.email);
  await invitee.getByLabel("Password", { exact: true }).fill(grace.password);
  await invitee.getByLabel("Confirm password", { exact: true }).fill(grace.password);
  await invitee.getByRole("button", { name: "Sign up" }).click();
  await expect(invitee).toHaveURL(/\/invitations\//);
  await joinByInvitation(invitee, link);

  // Each adds a task; each sees the other's without reloading (focus / interval refetch).
  await owner.goto(`/teams/${teamId}/tasks`);
  await addTeamTask(owner, "Book the venue");
  await addTeamTask(invitee, "Print the flyers");
  await expect(task(owner, "Print the flyers")).toBeVisible({ timeout: 20_000 });
  await expect(task(invitee, "Book the venue")).toBeVisible({ timeout: 20_000 });
  await expect(invitee.getByText("Created by Olive Owner")).toBeVisible();

  // The invitee completes the owner's task; the owner sees it.
  await task(invitee, "Book the venue").check();
  await owner.reload();
  await expect(task(owner, "Book the venue")).toBeChecked();

  // The personal lists stay personal.
  await owner.goto("/tasks");
  await expect(owner.getByText("Print the flyers")).toHaveCount(0);

  // The invitation worked once.
  await invitee.goto(link);
  await expect(invitee.getByText("This invitation is no longer valid.")).toBeVisible();
  await owner.context().close();
  await invitee.context().close();
});

test("a removed member's next action is refused and they land on their personal list", async ({
  browser,
  consoleErrors,
}) => {
  consoleErrors.allow(/404|TEAM_NOT_FOUND/);
  const owner = await browserFor(browser);
  const member = await browserFor(browser);
  consoleErrors.watch(owner);
  consoleErrors.watch(member);
  const memberUser = newUser("Max Member");
  await signUpViaApi(owner, newUser("Olive Owner"));
  await signUpViaApi(member, memberUser);
  const teamId = await createTeam(owner, "Short-lived");
  await joinByInvitation(member, await invite(owner, teamId, memberUser.email, "member"));
  await addTeamTask(member, "Before removal");

  await owner.goto(`/teams/${teamId}/settings`);
  owner.once("dialog", (dialog) => void dialog.accept());
  await owner
    .getByRole("listitem")
    .filter({ hasText: memberUser.email })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(owner.getByText(memberUser.email)).toHaveCount(0);

  // Within the API's 5 s bound, the member's next write is refused and they are sent home.
  await expect(async () => {
    await member.getByLabel("New task", { exact: true }).fill("After removal");
    await member.getByRole("button", { name: "Add task", exact: true }).click();
    await expect(member).toHaveURL(/\/tasks\?notice=removed/, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await expect(member.getByText("You are no longer a member of that team.")).toBeVisible();
  await expect(
    member.getByLabel("List", { exact: true }).locator("option", { hasText: "Short-lived" }),
  ).toHaveCount(0);

  // The task they created stays with the team, by a former member.
  await owner.goto(`/teams/${teamId}/tasks`);
  await expect(task(owner, "Before removal")).toBeVisible();
  await expect(owner.getByText("Created by a former member")).toBeVisible();
  await expect(owner.getByText("After removal")).toHaveCount(0);
  await owner.context().close();
  await member.context().close();
});

test("a viewer sees the team's list read-only", async ({ browser, consoleErrors }) => {
  const owner = await browserFor(browser);
  const viewer = await browserFor(browser);
  consoleErrors.watch(owner);
  consoleErrors.watch(viewer);
  const viewerUser = newUser("Vic Viewer");
  await signUpViaApi(owner, newUser("Olive Owner"));
  await signUpViaApi(viewer, viewerUser);
  const teamId = await createTeam(owner, "Read-only club");
  await addTeamTask(owner, "Only the owner edits this");
  await joinByInvitation(viewer, await invite(owner, teamId, viewerUser.email, "viewer"));

  await expect(task(viewer, "Only the owner edits this")).toBeVisible();
  await expect(viewer.getByText("You can view this team's tasks but not change them.")).toBeVisible();
  await expect(viewer.getByLabel("New task", { exact: true })).toHaveCount(0);
  await expect(task(viewer, "Only the owner edits this")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: /delete/i })).toHaveCount(0);

  // Someone else declines their invitation: they stay out, and the link is spent.
  const decliner = await browserFor(browser);
  consoleErrors.watch(decliner);
  const declinerUser = newUser("Dee Decliner");
  await signUpViaApi(decliner, declinerUser);
  const declineLink = await invite(owner, teamId, declinerUser.email, "member");
  await decliner.goto(declineLink);
  await decliner.getByRole("button", { name: "Decline" }).click();
  await expect(decliner).toHaveURL(/\/tasks(\?|$)/);
  await expect(
    decliner.getByLabel("List", { exact: true }).locator("option", { hasText: "Read-only club" }),
  ).toHaveCount(0);
  await decliner.goto(declineLink);
  await expect(decliner.getByText("This invitation is no longer valid.")).toBeVisible();
  await owner.context().close();
  await viewer.context().close();
  await decliner.context().close();
});
