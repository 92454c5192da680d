import { canWriteTeamTasks, parseTeamRole, TEAM_ID_PATTERN, type TeamRole } from "@tandem/contracts";
import type { TandemDb } from "@tandem/db";
import { createMiddleware } from "hono/factory";
import { createBoundedCache } from "../auth/bounded-cache.ts";
import { DEFAULT_REVOCATION_CHECK_SECONDS } from "../auth/session-check.ts";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/** The membership store could not be asked; the request must fail closed (503), not pass. */
export class MembershipStoreUnavailableError extends Error {
  override name = "MembershipStoreUnavailableError";
}

/** A caller's membership of a team: absent (null), or present with the role it grants. */
export type Membership = { role: TeamRole | null } | null;

export interface TeamAccessOptions {
  database: Pick<TandemDb, "db">;
  /**
   * How long an answer is reused, in seconds: the bound on how late a removal or a role change
   * reaches the API (the revocation check's setting, decision 016). 0 asks on every request.
   * Default 5.
   */
  cacheSeconds?: number;
  /** Most (user, team) answers remembered at once (default 10 000); the oldest are dropped first. */
  maxEntries?: number;
  now?: () => number;
}

export interface TeamAccess {
  /** The user's membership of the team, as the database said it at most `cacheSeconds` ago. */
  membershipOf(userId: string, teamId: string): Promise<Membership>;
}

/**
 * The stored role of a user in a team, read now (no cache); undefined when not a member. Write
 * paths use it directly (an assignee must be a member at write time).
 */
export async function readMemberRole(
  { db }: Pick<TandemDb, "db">,
  teamId: string,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("member")
    .select("role")
    .where("organizationId", "=", teamId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row?.role;
}

/**
 * Team membership read from Better Auth's `member` table, never from the token, with a small
 * in-process cache bounded like the session check: a removed or downgraded member is refused
 * within `cacheSeconds`.
 */
export function createTeamAccess(options: TeamAccessOptions): TeamAccess {
  const cache = createBoundedCache<Membership>({
    ttlMs: (options.cacheSeconds ?? DEFAULT_REVOCATION_CHECK_SECONDS) * 1000,
    maxEntries: options.maxEntries ?? 10_000,
    now: options.now ?? Date.now,
  });

  async function lookUp(userId: string, teamId: string): Promise<Membership> {
    let role: string | undefined;
    try {
      role = await readMemberRole(options.database, teamId, userId);
    } catch (error) {
      throw new MembershipStoreUnavailableError("team membership cannot be read", { cause: error });
    }
    return role === undefined ? null : { role: parseTeamRole(role) };
  }

  return {
    membershipOf: (userId, teamId) => cache.get(`${userId}\u0000${teamId}`, () => lookUp(userId, teamId)),
  };
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** 404 TEAM_NOT_FOUND: the same answer for a missing team, a foreign one and a malformed id. */
export function teamNotFound(): ApiError {
  return new ApiError("TEAM_NOT_FOUND", { detail: "No such team" });
}

/**
 * For `/api/teams/:teamId/…`, after authentication: the caller must be a member of the team (else
 * 404, as a missing team), and a viewer may not write (403). Puts the team on the context.
 */
export function requireTeamMember(access: TeamAccess) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const teamId = c.req.param("teamId") ?? "";
    if (!TEAM_ID_PATTERN.test(teamId)) throw teamNotFound();
    const membership = await access.membershipOf(c.get("identity").userId, teamId);
    if (membership === null) throw teamNotFound();
    const { role } = membership;
    // A role Tandem does not know grants nothing: a hand-edited row fails closed.
    if (role === null) {
      throw new ApiError("FORBIDDEN", { detail: "Your role in this team gives no access to its tasks" });
    }
    if (WRITE_METHODS.has(c.req.method) && !canWriteTeamTasks(role)) {
      throw new ApiError("FORBIDDEN", { detail: "Viewers can read this team's tasks but not change them" });
    }
    c.set("team", { id: teamId, role });
    await next();
  });
}
