import type { TestUser } from "@tandem/testing";
import { describe, expect, it } from "vitest";
import { expectProblem } from "./support/problems.ts";
import { type Api, useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import {
  asUser,
  createTeam,
  createTeamTask,
  join,
  teamTaskPath,
  teamTasksPath,
  VIEWER_DETAIL,
} from "./support/teams.ts";

// Membership is read from the database, cached per (user, team) for at most
// AUTH_REVOCATION_CHECK_SECONDS (decision 016, 4): a removal or a downgrade made in Better Auth
// reaches the API within that bound, measured here over HTTP from a warm cache. (Bound 0 — every
// request — and a membership that cannot be read: teams.roles.test.ts.)

const BOUND_MS = 1_000;
/** Request and scheduling time on a busy 2-core machine, on top of the bound. */
const SLACK_MS = 1_000;
const POLL_MS = 50;

/**
 * Repeats `call` from `since` until its status is `until`; every earlier answer must be `before`.
 * Returns the delay, after asserting it is within the bound plus slack.
 */
async function changedWithin(
  call: () => Promise<Response>,
  before: number,
  until: number,
  since: number,
  label: string,
): Promise<{ delay: number; response: Response }> {
  for (;;) {
    const response = await call();
    const delay = Date.now() - since;
    if (response.status === until) {
      expect(delay, `${label}: within ${BOUND_MS} ms + ${SLACK_MS} ms`).toBeLessThanOrEqual(
        BOUND_MS + SLACK_MS,
      );
      return { delay, response };
    }
    expect(response.status, `${label}: ${await response.text()}`).toBe(before);
    expect(delay, `${label}: still ${before} after the bound`).toBeLessThanOrEqual(BOUND_MS + SLACK_MS);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function pair(
  h: Api,
  role: string,
): Promise<{ owner: TestUser; user: TestUser; teamId: string; memberId: string }> {
  const owner = await h.signUp("Owner");
  const user = await h.signUp("Member");
  const teamId = await createTeam(h.auth, owner, "Bounded");
  const memberId = await join(h.auth, teamId, owner, user, role);
  return { owner, user, teamId, memberId };
}

describe.each(targets())("team membership changes reach the API ($label)", (target) => {
  describe(`bound ${BOUND_MS / 1000} s`, () => {
    const h = useApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: String(BOUND_MS / 1000) } });
    const report = (what: string, ms: number) =>
      console.info(`[${target.label}] ${what} reached the API after ${ms} ms (bound ${BOUND_MS} ms)`);

    it("refuses a removed member within the bound (404 TEAM_NOT_FOUND), and only them", async () => {
      const { owner, user, teamId, memberId } = await pair(h, "member");
      const list = () => h.request("GET", teamTasksPath(teamId), { token: user.token });
      for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
      const removed = await asUser(h.auth, owner, "/organization/remove-member", {
        organizationId: teamId,
        memberIdOrEmail: memberId,
      });
      expect(removed.status).toBe(200);
      const { delay, response } = await changedWithin(list, 200, 404, Date.now(), "removal");
      report("removal", delay);
      await expectProblem(response, 404, "TEAM_NOT_FOUND");
      // It stays refused, on every route, and the owner is untouched.
      const task = await createTeamTask(h, owner.token, teamId, { title: "after removal" });
      for (const [method, path] of [
        ["GET", teamTasksPath(teamId)],
        ["GET", teamTaskPath(teamId, task.id)],
        ["DELETE", teamTaskPath(teamId, task.id)],
      ] as const) {
        await expectProblem(await h.request(method, path, { token: user.token }), 404, "TEAM_NOT_FOUND");
      }
      expect((await h.request("GET", teamTaskPath(teamId, task.id), { token: owner.token })).status).toBe(
        200,
      );
    });

    it("refuses a member's writes within the bound once downgraded to viewer (403), reads still 200", async () => {
      const { owner, user, teamId, memberId } = await pair(h, "member");
      const task = await createTeamTask(h, owner.token, teamId, { title: "same" });
      const write = () =>
        h.request("PATCH", teamTaskPath(teamId, task.id), { token: user.token, body: { title: "same" } });
      for (let i = 0; i < 3; i++) expect((await write()).status).toBe(200);
      const changed = await asUser(h.auth, owner, "/organization/update-member-role", {
        organizationId: teamId,
        memberId,
        role: "viewer",
      });
      expect(changed.status).toBe(200);
      const { delay, response } = await changedWithin(write, 200, 403, Date.now(), "downgrade");
      report("downgrade to viewer", delay);
      expect((await expectProblem(response, 403, "FORBIDDEN")).detail).toBe(VIEWER_DETAIL);
      expect((await h.request("GET", teamTaskPath(teamId, task.id), { token: user.token })).status).toBe(200);
    });

    it("lets a new member in within the bound, though their earlier 404 was cached", async () => {
      const owner = await h.signUp("Owner");
      const user = await h.signUp("Newcomer");
      const teamId = await createTeam(h.auth, owner, "Welcoming");
      const list = () => h.request("GET", teamTasksPath(teamId), { token: user.token });
      for (let i = 0; i < 3; i++) expect((await list()).status).toBe(404);
      await join(h.auth, teamId, owner, user, "viewer");
      const { delay } = await changedWithin(list, 404, 200, Date.now(), "joining");
      report("joining", delay);
    });
  });
});
