// Teams for the contract tests (decision 016): created, joined and changed through the REAL Better
// Auth HTTP endpoints (`/api/auth/organization/*`, `/api/auth/team/transfer-ownership`) of the
// auth server a file starts, as the web app's pages call them; and the team task routes of the
// backend under test.
import {
  type TeamRole,
  type TeamTask,
  TeamTaskPageSchema,
  TeamTaskSchema,
  type TeamTaskPage,
  TaskStatsSchema,
  type TaskStats,
} from "@tandem/contracts";
import type { Dialect, TandemDb } from "@tandem/db";
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  type TestUser,
} from "@tandem/testing";
import { type AuthAnswer, post } from "@tandem/testing/auth-requests";
import { afterAll, beforeAll, expect } from "vitest";
import type { Api } from "./server.ts";

export type { AuthAnswer };

/** The detail of a viewer's refused write (decision 016, routes step 3). */
export const VIEWER_DETAIL = "Viewers can read this team's tasks but not change them";

/** A POST to Better Auth as `user`'s browser on the app's origin would send it. */
export function asUser(auth: AuthServer, user: TestUser, path: string, body: object): Promise<AuthAnswer> {
  return post(auth, path, body, { cookie: user.cookie });
}

/** The `code` of a Better Auth error answer. */
export function codeOf(answer: AuthAnswer): string | undefined {
  const body = answer.body;
  if (typeof body !== "object" || body === null || !("code" in body)) return undefined;
  return typeof body.code === "string" ? body.code : undefined;
}

function idOf(answer: AuthAnswer, where: string): string {
  const body = answer.body;
  if (typeof body === "object" && body !== null && "id" in body && typeof body.id === "string")
    return body.id;
  throw new Error(`${where}: no id in ${answer.status} ${JSON.stringify(body)}`);
}

/** Creates a team as `owner` (who becomes its owner) and returns its id. */
export async function createTeam(auth: AuthServer, owner: TestUser, name = "Launch"): Promise<string> {
  const answer = await asUser(auth, owner, "/organization/create", {
    name,
    slug: `t-${crypto.randomUUID()}`,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return idOf(answer, "POST /organization/create");
}

/** Invites `email` with `role` as `inviter`; returns Better Auth's answer (not checked). */
export function invite(
  auth: AuthServer,
  inviter: TestUser,
  teamId: string,
  email: string,
  role: string,
): Promise<AuthAnswer> {
  return asUser(auth, inviter, "/organization/invite-member", { organizationId: teamId, email, role });
}

/** Invites `email` and returns the invitation id (the invitation must be created). */
export async function invitationFor(
  auth: AuthServer,
  inviter: TestUser,
  teamId: string,
  email: string,
  role: string,
): Promise<string> {
  const answer = await invite(auth, inviter, teamId, email, role);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return idOf(answer, "POST /organization/invite-member");
}

/** Invites `user` with `role` and has them accept; returns their member id. */
export async function join(
  auth: AuthServer,
  teamId: string,
  inviter: TestUser,
  user: TestUser,
  role: string,
): Promise<string> {
  const invitationId = await invitationFor(auth, inviter, teamId, user.email, role);
  const accepted = await asUser(auth, user, "/organization/accept-invitation", { invitationId });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const body = accepted.body as { member?: { id?: unknown } } | null;
  if (typeof body?.member?.id !== "string") throw new Error("accept-invitation answered no member id");
  return body.member.id;
}

/** The member row id of `userId` in the team (from the database). */
export async function memberIdOf(db: TandemDb["db"], teamId: string, userId: string): Promise<string> {
  const row = await db
    .selectFrom("member")
    .select("id")
    .where("organizationId", "=", teamId)
    .where("userId", "=", userId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every member's role in the team, by user id (from the database). */
export async function rolesOf(db: TandemDb["db"], teamId: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("member")
    .select(["userId", "role"])
    .where("organizationId", "=", teamId)
    .execute();
  return Object.fromEntries(rows.map((m) => [m.userId, m.role]));
}

/** A team with one user in each role, and a user who belongs to no team. */
export interface Crew {
  teamId: string;
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  viewer: TestUser;
  outsider: TestUser;
  /** Each role's user. */
  byRole: Record<TeamRole, TestUser>;
  /** Each role's member row id. */
  memberIds: Record<TeamRole, string>;
}

/** Signs up five users and builds a team with one of each role (the admin invites the viewer). */
export async function crew(auth: AuthServer, db: TandemDb["db"], name = "Crew"): Promise<Crew> {
  const [owner, admin, member, viewer, outsider] = (await Promise.all(
    ["Olive Owner", "Adam Admin", "Mia Member", "Vic Viewer", "Otto Outsider"].map((n) =>
      auth.signUp({ name: n }),
    ),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  const teamId = await createTeam(auth, owner, name);
  const adminId = await join(auth, teamId, owner, admin, "admin");
  const memberId = await join(auth, teamId, owner, member, "member");
  const viewerId = await join(auth, teamId, admin, viewer, "viewer");
  return {
    teamId,
    owner,
    admin,
    member,
    viewer,
    outsider,
    byRole: { owner, admin, member, viewer },
    memberIds: {
      owner: await memberIdOf(db, teamId, owner.id),
      admin: adminId,
      member: memberId,
      viewer: viewerId,
    },
  };
}

/**
 * A migrated database of `dialect` and a real Better Auth on it, for the enclosing `describe`: the
 * team rules that involve no task API run once per dialect, not once per backend.
 */
export function useAuthServer(dialect: Dialect): { auth: () => AuthServer; database: () => TestDatabase } {
  let database: TestDatabase | undefined;
  let auth: AuthServer | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    auth = await startAuthServer({ database });
  });
  afterAll(async () => {
    await auth?.close();
    await database?.cleanup();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the auth server is not running (use it inside tests)");
    return value;
  };
  return { auth: () => need(auth), database: () => need(database) };
}

// The team task routes of the backend under test.

export const teamTasksPath = (teamId: string) => `/api/teams/${teamId}/tasks`;
export const teamTaskPath = (teamId: string, taskId: string) => `/api/teams/${teamId}/tasks/${taskId}`;

export async function createTeamTask(
  h: Api,
  token: string,
  teamId: string,
  body: Record<string, unknown>,
): Promise<TeamTask> {
  const response = await h.request("POST", teamTasksPath(teamId), { token, body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return TeamTaskSchema.parse(JSON.parse(text));
}

export async function getTeamTask(h: Api, token: string, teamId: string, id: string): Promise<TeamTask> {
  const response = await h.request("GET", teamTaskPath(teamId, id), { token });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TeamTaskSchema.parse(JSON.parse(text));
}

export async function teamPage(h: Api, token: string, teamId: string, query = ""): Promise<TeamTaskPage> {
  const response = await h.request("GET", `${teamTasksPath(teamId)}${query === "" ? "" : `?${query}`}`, {
    token,
  });
  const text = await response.text();
  expect(response.status, `${query}: ${text}`).toBe(200);
  return TeamTaskPageSchema.parse(JSON.parse(text));
}

/** Every task of the team (up to 100), newest first. */
export async function listTeamTasks(h: Api, token: string, teamId: string, query = ""): Promise<TeamTask[]> {
  return (await teamPage(h, token, teamId, `limit=100${query === "" ? "" : `&${query}`}`)).items;
}

export async function teamStats(h: Api, token: string, teamId: string, query = ""): Promise<TaskStats> {
  const response = await h.request(
    "GET",
    `${teamTasksPath(teamId)}/stats${query === "" ? "" : `?${query}`}`,
    {
      token,
    },
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return TaskStatsSchema.parse(JSON.parse(text));
}

/** The rows of one team's tasks, straight from the database. */
export function teamRows(h: Api, teamId: string) {
  return h.database.db.selectFrom("task").selectAll().where("team_id", "=", teamId).orderBy("id").execute();
}

/** One route of the team task API, for a team and a task of it. */
export interface TeamRoute {
  name: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: (teamId: string, taskId: string) => string;
  /** A valid body for the route. */
  body?: Record<string, unknown>;
  /** True for the routes a viewer may not use. */
  write: boolean;
  /** The status a member's call answers with. */
  ok: number;
}

/** Every team route × method (decision 016, routes). */
export const TEAM_ROUTES: TeamRoute[] = [
  { name: "GET /tasks", method: "GET", path: (t) => teamTasksPath(t), write: false, ok: 200 },
  {
    name: "GET /tasks/stats",
    method: "GET",
    path: (t) => `${teamTasksPath(t)}/stats`,
    write: false,
    ok: 200,
  },
  { name: "GET /tasks/{id}", method: "GET", path: teamTaskPath, write: false, ok: 200 },
  {
    name: "POST /tasks",
    method: "POST",
    path: (t) => teamTasksPath(t),
    body: { title: "Written" },
    write: true,
    ok: 201,
  },
  {
    name: "PATCH /tasks/{id}",
    method: "PATCH",
    path: teamTaskPath,
    body: { title: "Patched" },
    write: true,
    ok: 200,
  },
  {
    name: "PUT /tasks/{id}",
    method: "PUT",
    path: teamTaskPath,
    body: { title: "Replaced" },
    write: true,
    ok: 200,
  },
  { name: "DELETE /tasks/{id}", method: "DELETE", path: teamTaskPath, write: true, ok: 204 },
  {
    name: "PATCH /tasks/{id}/complete",
    method: "PATCH",
    path: (t, id) => `${teamTaskPath(t, id)}/complete`,
    write: true,
    ok: 200,
  },
];

/** The request options for `route` with its body (when it takes one). */
export function routeOptions(
  route: TeamRoute,
  token: string,
): { token: string; body?: Record<string, unknown> } {
  return route.body === undefined ? { token } : { token, body: route.body };
}

/**
 * The body text of a problem without its per-request members (`instance`, `requestId`), for
 * byte-for-byte comparison of two answers whatever each backend's JSON escaping.
 */
export function problemTextWithoutRequest(text: string): string {
  return text
    .replace(/"instance"\s*:\s*"(?:[^"\\]|\\.)*"\s*,?/, "")
    .replace(/"requestId"\s*:\s*"(?:[^"\\]|\\.)*"\s*,?/, "")
    .replace(/,\s*}$/, "}");
}

/** A 32-character id in Better Auth's alphabet that names no team. */
export function missingTeamId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
