import { beforeAll, describe, expect, it } from "vitest";
import { comparableHeaders, expectProblem } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { allRows } from "./support/tasks.ts";
import {
  type Crew,
  createTeam,
  createTeamTask,
  crew,
  missingTeamId,
  problemTextWithoutRequest,
  routeOptions,
  TEAM_ROUTES,
} from "./support/teams.ts";
import type { TeamTask } from "@tandem/contracts";

// A team the caller is not a member of, a team that does not exist and an id that cannot be a team
// id answer the same `404 TEAM_NOT_FOUND` (decision 016, routes step 2): the same status, headers
// and body, byte for byte but for the request's own `instance` and `requestId`. Otherwise the
// answer would tell an outsider which team ids exist.

/** Ids that cannot be Better Auth team ids (as they appear in the path, percent-encoded). */
const MALFORMED = [
  "not%20a%20team",
  "x".repeat(65),
  "%00",
  "a%00b",
  "..%2F..%2Fetc",
  "%27%20OR%20%271%27%3D%271",
  "%25",
  "_",
  "caf%C3%A9",
  "a.b",
  "%F0%9F%98%80",
];

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

async function answer(response: Response): Promise<Answer> {
  const { "content-length": _length, ...headers } = comparableHeaders(response);
  const text = await response.clone().text();
  await expectProblem(response, 404, "TEAM_NOT_FOUND");
  return { status: response.status, headers, text: problemTextWithoutRequest(text) };
}

describe.each(targets())("team not found ($label)", (target) => {
  const h = useApi(target);
  let c: Crew;
  let task: TeamTask;
  let otherTeam: string;
  beforeAll(async () => {
    c = await crew(h.auth, h.database.db, "Hidden");
    task = await createTeamTask(h, c.owner.token, c.teamId, { title: "Secret plan", description: "hidden" });
    // The outsider has a team of their own: membership somewhere must not open other teams.
    otherTeam = await createTeam(h.auth, c.outsider, "Elsewhere");
    await createTeamTask(h, c.outsider.token, otherTeam, { title: "Outsider's own" });
  });

  describe.each(TEAM_ROUTES)("$name", (route) => {
    it("answers a non-member exactly as a missing team and a malformed team id, and changes nothing", async () => {
      const before = await allRows(h);
      const options = routeOptions(route, c.outsider.token);
      const call = async (teamId: string) =>
        answer(await h.request(route.method, route.path(teamId, task.id), options));
      const reference = await call(c.teamId);
      expect(JSON.parse(reference.text)).toMatchObject({ detail: "No such team" });
      expect(reference.text).not.toContain("Secret plan");
      expect(await call(missingTeamId()), "a missing team").toEqual(reference);
      // A user id is not a team id: the caller's own personal list is not a team.
      expect(await call(c.outsider.id), "the caller's user id").toEqual(reference);
      expect(await call(c.owner.id), "the owner's user id").toEqual(reference);
      expect(await call(c.memberIds.owner), "a member row id").toEqual(reference);
      for (const id of MALFORMED) expect(await call(id), `malformed ${id}`).toEqual(reference);
      // A member asking for a team that does not exist gets the same answer too.
      const memberOptions = routeOptions(route, c.member.token);
      for (const id of [missingTeamId(), MALFORMED[0] as string, otherTeam]) {
        const response = await h.request(route.method, route.path(id, task.id), memberOptions);
        expect(await answer(response), `member, ${id}`).toEqual(reference);
      }
      expect(await allRows(h)).toEqual(before);
    });
  });
});
