// Requirements group 4 for teams (decision 016): invitations as secrets (guessing, replay, someone
// else's), privilege escalation through Better Auth's team endpoints, IDOR through every team
// task route, and tokens that carry no membership — against the running web app and API.
import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { decodeToken } from "@tandem/testing";
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import type { HttpResponse } from "./lib/http.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";
import {
  asUser,
  codeOf,
  createTeam,
  inviteId,
  join,
  memberIdOf,
  randomId,
  rolesOf,
  teamRoutes,
  teamRows,
} from "./lib/teams.ts";

interface TeamTask {
  id: string;
  title: string;
}

const VIEWER_DETAIL = "Viewers can read this team's tasks but not change them";
/** How far apart the median answer times of two kinds of guesses may be (a busy 2-core machine). */
const TIMING_MS = 75;
const TOKEN_CLAIMS = ["amr", "aud", "auth_time", "exp", "iat", "iss", "name", "sid", "sub"];

/** A problem body without the members that differ per request. */
function shape(body: Record<string, unknown>) {
  const { requestId: _r, instance: _i, ...rest } = body;
  return rest;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** One request with the path sent exactly as given (no client-side `..` normalisation). */
function rawGet(base: string, path: string, token: string): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: "GET",
        path,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe.each(targets())("4. teams ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let owner: Account;
  let admin: Account;
  let member: Account;
  let viewer: Account;
  let vera: Account;
  let eve: Account;
  let teamA: string;
  let teamB: string;
  let bTask: TeamTask;
  let aTask: TeamTask;
  const members = { owner: "", admin: "", member: "", viewer: "" };

  beforeAll(async () => {
    [owner, admin, member, viewer, vera, eve] = (await Promise.all(
      ["Olive", "Adam", "Mia", "Vic", "Vera", "Eve"].map((name) => s().signUp({ name })),
    )) as [Account, Account, Account, Account, Account, Account];
    teamA = await createTeam(s(), owner, "Launch");
    members.admin = await join(s(), teamA, owner, admin, "admin");
    members.member = await join(s(), teamA, owner, member, "member");
    members.viewer = await join(s(), teamA, owner, viewer, "viewer");
    members.owner = await memberIdOf(s(), teamA, owner.id);
    teamB = await createTeam(s(), vera, "Vault");
    const created = await s().api(`/api/teams/${teamB}/tasks`, {
      token: vera.token,
      json: { title: "Vera's secret plan", description: "vault only" },
    });
    expect(created.status, created.text).toBe(201);
    bTask = created.json<TeamTask>();
    aTask = (
      await s().api(`/api/teams/${teamA}/tasks`, { token: admin.token, json: { title: "A plan" } })
    ).json<TeamTask>();
  });

  const expectRolesUnchanged = async () =>
    expect(await rolesOf(s(), teamA)).toEqual({
      [owner.id]: "owner",
      [admin.id]: "admin",
      [member.id]: "member",
      [viewer.id]: "viewer",
    });
  const invitationCount = async (teamId: string) =>
    (await s().db.db.selectFrom("invitation").select("id").where("organizationId", "=", teamId).execute())
      .length;
  /** Nothing of team B was read or changed. */
  async function expectVaultUntouched(responses: HttpResponse[]) {
    for (const response of responses) expect(response.text).not.toContain("secret plan");
    expect((await teamRows(s(), teamB)).map((r) => [r.id, r.title])).toEqual([
      [bTask.id, "Vera's secret plan"],
    ]);
  }

  attack(
    "guess invitation ids (random, sequential, near misses and case variants of a live one, used ones) to accept, decline or view them",
    "the same 400 INVITATION_NOT_FOUND for every guess, no timing difference, never a membership",
    async () => {
      const live = await inviteId(s(), vera, teamB, `target-${randomUUID()}@example.test`, "admin");
      // Used up: one revoked, one accepted (and left). An expired one is not a guess's answer: Better
      // Auth lets its recipient still decline it, so a stranger's decline is told 403, not 400.
      const revoked = await inviteId(s(), vera, teamB, `gone-${randomUUID()}@example.test`, "member");
      expect(
        (await asUser(s(), vera, "/organization/cancel-invitation", { invitationId: revoked })).status,
      ).toBe(200);
      const guest = await s().signUp({ name: "Former guest" });
      const accepted = await inviteId(s(), vera, teamB, guest.email, "viewer");
      expect(
        (await asUser(s(), guest, "/organization/accept-invitation", { invitationId: accepted })).status,
      ).toBe(200);
      expect((await asUser(s(), guest, "/organization/leave", { organizationId: teamB })).status).toBe(200);
      const swap = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
      const guesses: Record<string, string[]> = {
        random: Array.from({ length: 6 }, randomId),
        sequential: [
          "1",
          "2",
          "00000000000000000000000000000001",
          "00000000000000000000000000000002",
          randomUUID(),
        ],
        nearMiss: [
          `${live.slice(0, -1)}${live.endsWith("A") ? "B" : "A"}`,
          `${live.startsWith("A") ? "B" : "A"}${live.slice(1)}`,
          live.slice(0, -1),
          `${live}A`,
          live.toUpperCase() === live ? live.toLowerCase() : live.toUpperCase(),
          [...live].map(swap).join(""),
        ],
        used: [revoked, accepted],
      };
      const paths = ["accept", "decline", "view"] as const;
      const guess = (what: (typeof paths)[number], id: string) =>
        what === "view"
          ? s().web(`/api/auth/organization/get-invitation?id=${encodeURIComponent(id)}`, {
              cookie: eve.cookie,
              ip: eve.ip,
            })
          : asUser(s(), eve, `/organization/${what === "accept" ? "accept" : "reject"}-invitation`, {
              invitationId: id,
            });
      // Each endpoint's answer to a random guess is the reference every other guess must match.
      const reference: Partial<Record<(typeof paths)[number], { status: number; text: string }>> = {};
      for (const what of paths) {
        const answer = await guess(what, randomId());
        expect([answer.status, codeOf(answer)], what).toEqual([400, "INVITATION_NOT_FOUND"]);
        reference[what] = { status: answer.status, text: answer.text };
      }
      const times: Record<string, number[]> = {};
      // Interleaved and shuffled, so no kind of guess always runs first (cold) or last.
      const all = Object.entries(guesses).flatMap(([kind, ids]) => ids.map((id) => [kind, id] as const));
      for (let round = 0; round < 3; round++) {
        for (const [kind, id] of [...all].sort(() => Math.random() - 0.5)) {
          for (const what of paths) {
            const started = performance.now();
            const answer = await guess(what, id);
            if (what === "accept") (times[kind] ??= []).push(performance.now() - started);
            expect({ status: answer.status, text: answer.text }, `${what} ${kind} ${id}`).toEqual(
              reference[what],
            );
          }
        }
      }
      const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))]));
      console.info(
        `[${backend}, ${dialect}] accept-invitation median ms by guess kind: ${JSON.stringify(medians)}`,
      );
      for (const [kind, ms] of Object.entries(medians)) {
        expect(Math.abs(ms - (medians.random ?? 0)), `timing of ${kind} guesses`).toBeLessThan(TIMING_MS);
      }
      expect(await rolesOf(s(), teamB)).toEqual({ [vera.id]: "owner" });
      const status = await s()
        .db.db.selectFrom("invitation")
        .select("status")
        .where("id", "=", live)
        .executeTakeFirstOrThrow();
      expect(status.status).toBe("pending");
    },
  );

  attack(
    "replay an accepted invitation: the invitee again, after leaving, and another account",
    "400 INVITATION_NOT_FOUND each time; no membership comes of it",
    async () => {
      const guest = await s().signUp({ name: "Guest" });
      const invitationId = await inviteId(s(), vera, teamB, guest.email, "viewer");
      expect((await asUser(s(), guest, "/organization/accept-invitation", { invitationId })).status).toBe(
        200,
      );
      const replays = [await asUser(s(), guest, "/organization/accept-invitation", { invitationId })];
      expect((await asUser(s(), guest, "/organization/leave", { organizationId: teamB })).status).toBe(200);
      replays.push(await asUser(s(), guest, "/organization/accept-invitation", { invitationId }));
      replays.push(await asUser(s(), eve, "/organization/accept-invitation", { invitationId }));
      for (const replay of replays)
        expect([replay.status, codeOf(replay)]).toEqual([400, "INVITATION_NOT_FOUND"]);
      expect(await rolesOf(s(), teamB)).toEqual({ [vera.id]: "owner" });
      expectProblem(await s().api(`/api/teams/${teamB}/tasks`, { token: eve.token }), 404, "TEAM_NOT_FOUND");
    },
  );

  attack(
    "accept or decline someone else's pending invitation (its id known)",
    "403 YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION; it stays pending and only its invitee can accept it",
    async () => {
      const guest = await s().signUp({ name: "Invitee" });
      const invitationId = await inviteId(s(), owner, teamA, guest.email, "admin");
      for (const user of [eve, member, admin]) {
        for (const path of ["/organization/accept-invitation", "/organization/reject-invitation"]) {
          const answer = await asUser(s(), user, path, { invitationId });
          expect([answer.status, codeOf(answer)], `${user.name} ${path}`).toEqual([
            403,
            "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
          ]);
        }
      }
      expect((await rolesOf(s(), teamA))[eve.id]).toBeUndefined();
      expectProblem(await s().api(`/api/teams/${teamA}/tasks`, { token: eve.token }), 404, "TEAM_NOT_FOUND");
      expect((await asUser(s(), guest, "/organization/accept-invitation", { invitationId })).status).toBe(
        200,
      );
      expect((await rolesOf(s(), teamA))[guest.id]).toBe("admin");
      const removed = await asUser(s(), owner, "/organization/remove-member", {
        organizationId: teamA,
        memberIdOrEmail: guest.email,
      });
      expect(removed.status).toBe(200);
    },
  );

  attack(
    "an admin makes themself owner, demotes or removes the owner, invites an owner, or transfers ownership",
    "each refused (4xx); the roles are unchanged and the owner is still the one owner",
    async () => {
      const answers = [
        await asUser(s(), admin, "/organization/update-member-role", {
          organizationId: teamA,
          memberId: members.admin,
          role: "owner",
        }),
        await asUser(s(), admin, "/organization/update-member-role", {
          organizationId: teamA,
          memberId: members.admin,
          role: ["admin", "owner"],
        }),
        await asUser(s(), admin, "/organization/update-member-role", {
          organizationId: teamA,
          memberId: members.owner,
          role: "viewer",
        }),
        await asUser(s(), admin, "/organization/remove-member", {
          organizationId: teamA,
          memberIdOrEmail: members.owner,
        }),
        await asUser(s(), admin, "/organization/remove-member", {
          organizationId: teamA,
          memberIdOrEmail: owner.email,
        }),
        await asUser(s(), admin, "/organization/invite-member", {
          organizationId: teamA,
          email: `o-${randomUUID()}@example.test`,
          role: "owner",
        }),
        await asUser(s(), admin, "/organization/update", { organizationId: teamA, data: { name: "Taken" } }),
        await asUser(s(), admin, "/organization/delete", { organizationId: teamA }),
      ];
      for (const [i, answer] of answers.entries()) {
        expect(answer.status, `attempt ${i}: ${answer.text}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `attempt ${i}`).toBeLessThan(500);
      }
      for (const memberId of [members.admin, members.member]) {
        const transfer = await asUser(s(), admin, "/team/transfer-ownership", {
          organizationId: teamA,
          memberId,
        });
        expect([transfer.status, codeOf(transfer)]).toEqual([403, "OWNER_ONLY"]);
      }
      await expectRolesUnchanged();
      const team = await s()
        .db.db.selectFrom("organization")
        .select("name")
        .where("id", "=", teamA)
        .executeTakeFirstOrThrow();
      expect(team.name).toBe("Launch");
    },
  );

  attack(
    "a member or a viewer invites someone, changes their own or another's role, or removes a member",
    "each refused (4xx), no invitation created; the viewer's writes are still 403 at the API",
    async () => {
      const invitations = await invitationCount(teamA);
      for (const user of [member, viewer]) {
        for (const role of ["viewer", "member", "admin"]) {
          const answer = await asUser(s(), user, "/organization/invite-member", {
            organizationId: teamA,
            email: `x-${randomUUID()}@example.test`,
            role,
          });
          expect([answer.status, codeOf(answer)], `${user.name} invites ${role}`).toEqual([
            403,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
          ]);
        }
        for (const [memberId, role] of [
          [user === member ? members.member : members.viewer, "admin"],
          [members.viewer, "member"],
          [members.admin, "viewer"],
        ] as const) {
          const answer = await asUser(s(), user, "/organization/update-member-role", {
            organizationId: teamA,
            memberId,
            role,
          });
          expect(answer.status, `${user.name} sets ${role}: ${answer.text}`).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        }
        const removal = await asUser(s(), user, "/organization/remove-member", {
          organizationId: teamA,
          memberIdOrEmail: members.admin,
        });
        expect(removal.status, removal.text).toBeGreaterThanOrEqual(400);
        expect(removal.status).toBeLessThan(500);
      }
      expect(await invitationCount(teamA)).toBe(invitations);
      await expectRolesUnchanged();
      const write = await s().api(`/api/teams/${teamA}/tasks`, {
        token: viewer.token,
        json: { title: "escalated?" },
      });
      expect(expectProblem(write, 403, "FORBIDDEN").detail).toBe(VIEWER_DETAIL);
    },
  );

  attack(
    "another team's member ids in role changes, removals and transfers (the owner of team A, an outsider)",
    "refused (4xx); team B's members unchanged",
    async () => {
      const veraMember = await memberIdOf(s(), teamB, vera.id);
      const attempts: [Account, string, object][] = [
        [
          owner,
          "/organization/update-member-role",
          { organizationId: teamA, memberId: veraMember, role: "viewer" },
        ],
        [owner, "/organization/remove-member", { organizationId: teamA, memberIdOrEmail: veraMember }],
        [owner, "/team/transfer-ownership", { organizationId: teamA, memberId: veraMember }],
        [
          owner,
          "/organization/update-member-role",
          { organizationId: teamB, memberId: veraMember, role: "viewer" },
        ],
        [owner, "/organization/remove-member", { organizationId: teamB, memberIdOrEmail: veraMember }],
        [eve, "/organization/invite-member", { organizationId: teamB, email: eve.email, role: "admin" }],
        [eve, "/team/transfer-ownership", { organizationId: teamB, memberId: veraMember }],
        [eve, "/organization/delete", { organizationId: teamB }],
      ];
      for (const [user, path, body] of attempts) {
        const answer = await asUser(s(), user, path, body);
        expect(
          answer.status,
          `${user.name} ${path} ${JSON.stringify(body)}: ${answer.text}`,
        ).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }
      expect(await rolesOf(s(), teamB)).toEqual({ [vera.id]: "owner" });
      await expectRolesUnchanged();
    },
  );

  attack(
    "team B's task through every team route on team B's path (not a member)",
    "404 TEAM_NOT_FOUND for every method, identical to a missing team; team B unchanged",
    async () => {
      const responses: HttpResponse[] = [];
      const missing = randomId();
      for (const [[method, path, json], [, missingPath]] of teamRoutes(teamB, bTask.id).map(
        (r, i) => [r, teamRoutes(missing, bTask.id)[i] ?? r] as const,
      )) {
        const theirs = await s().api(path, { method, token: admin.token, json });
        const none = await s().api(missingPath, { method, token: admin.token, json });
        expect(shape(expectProblem(theirs, 404, "TEAM_NOT_FOUND")), `${method} ${path}`).toEqual(
          shape(expectProblem(none, 404, "TEAM_NOT_FOUND")),
        );
        responses.push(theirs);
      }
      await expectVaultUntouched(responses);
    },
  );

  attack(
    "team B's task id through team A's path (a member of A), and through the personal and compatibility routes",
    "404 TASK_NOT_FOUND like a missing task (403 for /api/{Vera}/tasks); team B unchanged",
    async () => {
      const responses: HttpResponse[] = [];
      const missing = randomUUID();
      for (const [[method, path, json], [, missingPath]] of teamRoutes(teamA, bTask.id).map(
        (r, i) => [r, teamRoutes(teamA, missing)[i] ?? r] as const,
      )) {
        if (!path.includes(bTask.id)) continue;
        const theirs = await s().api(path, { method, token: admin.token, json });
        const none = await s().api(missingPath, { method, token: admin.token, json });
        expect(shape(expectProblem(theirs, 404, "TASK_NOT_FOUND")), `${method} ${path}`).toEqual(
          shape(expectProblem(none, 404, "TASK_NOT_FOUND")),
        );
        responses.push(theirs);
      }
      for (const [method, suffix, json] of [
        ["GET", ""],
        ["PATCH", "", { title: "pwned" }],
        ["PUT", "", { title: "pwned" }],
        ["DELETE", ""],
        ["PATCH", "/complete"],
      ] as const) {
        for (const base of ["/api/tasks", `/api/${admin.id}/tasks`, `/api/${vera.id}/tasks`]) {
          const response = await s().api(`${base}/${bTask.id}${suffix}`, {
            method,
            token: admin.token,
            json,
          });
          if (base.includes(vera.id)) expectProblem(response, 403, "FORBIDDEN");
          else expectProblem(response, 404, "TASK_NOT_FOUND");
          responses.push(response);
        }
      }
      for (const path of [
        "/api/tasks?limit=100&q=secret",
        `/api/teams/${teamA}/tasks?limit=100&q=secret`,
        "/api/tasks/stats?q=secret",
      ]) {
        const response = await s().api(path, { token: admin.token });
        expect(response.status).toBe(200);
        responses.push(response);
      }
      await expectVaultUntouched(responses);
    },
  );

  attack(
    "ids that are not team ids in the team position: user ids (own and Vera's), member ids, an invitation id",
    "404 TEAM_NOT_FOUND for every route: a user's personal list is not a team",
    async () => {
      const invitation = await inviteId(s(), vera, teamB, `idor-${randomUUID()}@example.test`, "viewer");
      const veraMember = await memberIdOf(s(), teamB, vera.id);
      const responses: HttpResponse[] = [];
      for (const id of [admin.id, vera.id, veraMember, members.admin, invitation]) {
        for (const [method, path, json] of teamRoutes(id, bTask.id)) {
          const response = await s().api(path, { method, token: admin.token, json });
          expectProblem(response, 404, "TEAM_NOT_FOUND");
          responses.push(response);
        }
      }
      await expectVaultUntouched(responses);
      expect(
        (await s().api("/api/tasks?limit=100", { token: admin.token })).json<{ items: unknown[] }>().items,
      ).toEqual([]);
    },
  );

  attack(
    "id-format tricks on team B's id: case variants, fullwidth and look-alike characters, percent-encoding, NUL, encoded slashes, traversal",
    "404 TEAM_NOT_FOUND (or a plain 404 where the path no longer routes), never team B's data, never 500",
    async () => {
      const fullwidth = [...teamB]
        .map((c) => (/[A-Za-z0-9]/.test(c) ? String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0) : c))
        .join("");
      const encoded = [...teamB]
        .map((c) => `%${(c.codePointAt(0) ?? 0).toString(16).padStart(2, "0")}`)
        .join("");
      const exact = [
        teamB.toUpperCase(),
        teamB.toLowerCase(),
        [...teamB].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
        encodeURIComponent(fullwidth),
        encodeURIComponent(`${teamB.slice(0, -1)}\u0441`),
        encoded,
        `${teamB}%00`,
        `${teamB}%20`,
        `%20${teamB}`,
        `${teamB}%2F`,
        `..%2F${teamB}`,
        `${teamA}%2F..%2F${teamB}`,
        `%2e%2e%2f${teamB}`,
        `${teamA}%00${teamB}`,
        `${teamB};${teamA}`,
        `${teamA},${teamB}`,
      ];
      const responses: HttpResponse[] = [];
      for (const id of exact) {
        for (const [method, path, json] of teamRoutes(id, bTask.id)) {
          const response = await s().api(path, { method, token: admin.token, json });
          // The percent-encoded id decodes to team B itself: still not the caller's team.
          expectProblem(response, 404, "TEAM_NOT_FOUND");
          responses.push(response);
        }
      }
      for (const path of [
        `/api/teams/${teamA}/../${teamB}/tasks`,
        `/api/teams/${teamA}/tasks/../../${teamB}/tasks/${bTask.id}`,
        `/api/teams/${teamA}/tasks/%2e%2e/%2e%2e/${teamB}/tasks`,
        `/api/teams/${teamA}/tasks/..%2F..%2F${teamB}%2Ftasks%2F${bTask.id}`,
        `/api/teams/${teamA}//${teamB}/tasks`,
      ]) {
        const response = await rawGet(s().apiUrl, path, admin.token);
        expect(response.status, `${path}: ${response.text}`).toBe(404);
        expect(response.text).not.toContain("secret plan");
      }
      await expectVaultUntouched(responses);
    },
  );

  attack(
    "read the tokens of the owner, an admin and a viewer (with a team set active) for membership",
    "only sid, name, amr, auth_time, sub, iat, exp, iss, aud: no role, membership, organization or team claim",
    async () => {
      for (const user of [owner, admin, viewer]) {
        const active = await asUser(s(), user, "/organization/set-active", { organizationId: teamA });
        expect(active.status, active.text).toBe(200);
        const token = await s().token(user.cookie, user.ip);
        for (const t of [token, user.token]) {
          const { payload } = decodeToken(t);
          expect(Object.keys(payload).sort(), user.name).toEqual(TOKEN_CLAIMS);
          expect(JSON.stringify(payload)).not.toContain(teamA);
          expect(JSON.stringify(payload)).not.toMatch(/owner|admin|viewer|member/i);
        }
      }
    },
  );

  attack(
    "claims that grant roles, signed with the real key: a viewer's token saying owner, an outsider's naming team B",
    "ignored: the viewer's write is still 403, the outsider's request still 404",
    async () => {
      const power = {
        role: "owner",
        roles: ["owner"],
        org_role: "owner",
        organizationId: teamB,
        activeOrganizationId: teamB,
        org_id: teamB,
        teams: [
          { id: teamA, role: "owner" },
          { id: teamB, role: "owner" },
        ],
        permissions: ["task:write"],
      };
      const viewerToken = await s().mint(s().claimsFor(viewer, power));
      const write = await s().api(`/api/teams/${teamA}/tasks/${aTask.id}`, {
        method: "DELETE",
        token: viewerToken,
      });
      expect(expectProblem(write, 403, "FORBIDDEN").detail).toBe(VIEWER_DETAIL);
      const eveToken = await s().mint(s().claimsFor(eve, power));
      for (const [method, path, json] of teamRoutes(teamB, bTask.id)) {
        expectProblem(await s().api(path, { method, token: eveToken, json }), 404, "TEAM_NOT_FOUND");
      }
      await expectVaultUntouched([]);
      expect((await teamRows(s(), teamA)).map((r) => r.id)).toContain(aTask.id);
    },
  );
});
