import type { Problem } from "@tandem/contracts";
import { testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { addMember, createTeam, removeMember, setRole, teamTasksPath } from "../../test/team-kit.ts";
import { DEFAULT_REVOCATION_CHECK_SECONDS } from "../auth/session-check.ts";

// The membership bound as a member observes it over HTTP (decision 016 point 4): a downgrade or a
// removal applies once `revocationCheckSeconds` has passed (the app's clock is injected), a deleted
// team is a missing one, and a membership that cannot be read refuses the request (503).

describe.each(testDialects())("team membership over HTTP (%s)", (dialect) => {
  let h!: ApiHarness;
  let member!: TestUser;
  let teamId!: string;
  let clock = 0;

  beforeEach(async () => {
    clock = Date.now();
    h = await createApiHarness(dialect, { now: () => clock });
    const owner = await h.signUp("Owner");
    member = await h.signUp("Member");
    teamId = await createTeam(h, owner);
    await addMember(h, teamId, member, "member");
  });
  afterEach(async () => h.close());

  const send = (method: string, rest: string, body?: unknown) =>
    h.request(method, teamTasksPath(teamId, rest), {
      token: member.token,
      ...(body === undefined ? {} : { body }),
    });

  async function problem(response: Response): Promise<Problem> {
    const body = (await response.json()) as Problem;
    expect(body.status).toBe(response.status);
    return body;
  }

  it("applies a downgrade and a removal once the membership bound has passed, and not before", async () => {
    const bound = DEFAULT_REVOCATION_CHECK_SECONDS * 1000;
    const start = clock;
    expect((await send("POST", "", { title: "before" })).status).toBe(201);
    await setRole(h, teamId, member, "viewer");
    clock = start + bound * 0.8 - 1; // inside the bound, before any refresh: the cached role
    expect((await send("POST", "", { title: "still a member" })).status).toBe(201);
    clock = start + bound;
    const refused = await problem(await send("POST", "", { title: "now a viewer" }));
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect((await send("GET", "")).status).toBe(200);

    const removedAt = clock;
    await removeMember(h, teamId, member);
    clock = removedAt + bound * 0.8 - 1;
    expect((await send("GET", "")).status).toBe(200);
    clock = removedAt + bound;
    expect(await problem(await send("GET", ""))).toMatchObject({
      status: 404,
      code: "TEAM_NOT_FOUND",
      detail: "No such team",
    });
  });

  it("answers a deleted team as a missing one, also while its members' answers are cached", async () => {
    const created = await send("POST", "", { title: "Goes with the team" }); // membership now cached
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string };
    await h.database.db.deleteFrom("organization").where("id", "=", teamId).execute();
    // The database cascaded: the task is gone, and a create (guarded by the member row) writes nothing.
    expect(await problem(await send("GET", `/${task.id}`))).toMatchObject({
      status: 404,
      code: "TASK_NOT_FOUND",
    });
    expect(await problem(await send("POST", "", { title: "orphan" }))).toMatchObject({
      status: 404,
      code: "TEAM_NOT_FOUND",
    });
    expect(
      await h.database.db.selectFrom("task").select("id").where("team_id", "=", teamId).execute(),
    ).toEqual([]);
    clock += DEFAULT_REVOCATION_CHECK_SECONDS * 1000;
    expect(await problem(await send("GET", ""))).toMatchObject({
      status: 404,
      code: "TEAM_NOT_FOUND",
    });
  });

  it("fails closed with 503 and Retry-After when the membership cannot be read", async () => {
    // The session answer is cached; the membership of this team was never asked, so it must be read.
    expect((await h.request("GET", "/api/me", { token: member.token })).status).toBe(200);
    await h.apiDatabase.destroy();
    const response = await send("GET", "");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = await problem(response);
    expect(body).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(JSON.stringify(body)).not.toMatch(/sql|sqlite|postgres|destroy|kysely|driver/i);
  });
});
