import type { TandemDb } from "@tandem/db";
import { parseTeamRole } from "@tandem/contracts";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint, createAuthMiddleware, sessionMiddleware } from "better-auth/api";
import { z } from "zod";
import { TEAM_ERROR_CODES } from "../error-codes.ts";
import type { TeamEvents } from "./team-events.ts";

const id = z.string().min(1).max(255);

/**
 * What Better Auth's organization plugin leaves to the app: transferring ownership (the new owner
 * and the old one swap roles in one transaction, so a team never has zero or two owners), and the
 * history entry and unassignment when a member leaves by themself.
 */
export function teamsPlugin({ database, events }: { database: TandemDb; events: TeamEvents }) {
  const { db } = database;
  return {
    id: "tandem-teams",
    hooks: {
      after: [
        {
          matcher: (ctx) => ctx.path === "/organization/leave",
          handler: createAuthMiddleware(async (ctx) => {
            const left: unknown = ctx.context.returned;
            if (
              typeof left !== "object" ||
              left === null ||
              !("userId" in left) ||
              !("organizationId" in left)
            )
              return;
            const { userId, organizationId } = left as { userId: string; organizationId: string };
            const team = await db
              .selectFrom("organization")
              .select("name")
              .where("id", "=", organizationId)
              .executeTakeFirst();
            await events.unassign(organizationId, userId);
            await events.record(userId, "team_left", team?.name ?? "a team");
          }),
        },
      ],
    },
    endpoints: {
      transferTeamOwnership: createAuthEndpoint(
        "/team/transfer-ownership",
        {
          method: "POST",
          body: z.object({ organizationId: id, memberId: id }),
          use: [sessionMiddleware],
          requireHeaders: true,
        },
        async (ctx) => {
          const { organizationId, memberId } = ctx.body;
          const callerId = ctx.context.session.user.id;
          const outcome = await db.transaction().execute(async (trx) => {
            const members = await trx
              .selectFrom("member")
              .select(["id", "userId", "role"])
              .where("organizationId", "=", organizationId)
              .where((eb) => eb.or([eb("userId", "=", callerId), eb("id", "=", memberId)]))
              // SQLite has one writer at a time; PostgreSQL locks the two rows for the swap.
              .$if(database.dialect === "postgres", (q) => q.forUpdate())
              .execute();
            const caller = members.find((m) => m.userId === callerId);
            const target = members.find((m) => m.id === memberId);
            if (caller === undefined || parseTeamRole(caller.role) !== "owner") {
              throw new APIError("FORBIDDEN", {
                code: TEAM_ERROR_CODES.OWNER_ONLY,
                message: "Only the team's owner can transfer ownership.",
              });
            }
            if (target === undefined || target.id === caller.id) {
              throw new APIError("BAD_REQUEST", {
                code: TEAM_ERROR_CODES.MEMBER_NOT_FOUND,
                message: "Choose another member of this team.",
              });
            }
            await trx.updateTable("member").set({ role: "owner" }).where("id", "=", target.id).execute();
            await trx.updateTable("member").set({ role: "admin" }).where("id", "=", caller.id).execute();
            const team = await trx
              .selectFrom("organization")
              .select("name")
              .where("id", "=", organizationId)
              .executeTakeFirstOrThrow();
            return { team: team.name, newOwnerId: target.userId };
          });
          await events.record(callerId, "team_ownership_transferred", `${outcome.team}: you are now admin`);
          await events.record(
            outcome.newOwnerId,
            "team_ownership_transferred",
            `${outcome.team}: you are now owner`,
          );
          return ctx.json({ status: true });
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}

/**
 * Before an account is deleted: a team it owns alone goes with it (its tasks too); a team it owns
 * with other members must first be transferred or deleted, so no team is left without an owner.
 */
export async function releaseOwnedTeams(database: TandemDb, userId: string): Promise<void> {
  const { db } = database;
  const owned = await db
    .selectFrom("member")
    .innerJoin("organization", "organization.id", "member.organizationId")
    .select(["organization.id as id", "organization.name as name", "member.role as role"])
    .where("member.userId", "=", userId)
    .execute();
  const teams = owned.filter((row) => parseTeamRole(row.role) === "owner");
  for (const team of teams) {
    const others = await db
      .selectFrom("member")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("organizationId", "=", team.id)
      .where("userId", "!=", userId)
      .executeTakeFirstOrThrow();
    if (Number(others.n) > 0) {
      throw new APIError("BAD_REQUEST", {
        code: TEAM_ERROR_CODES.TEAM_OWNERSHIP_HELD,
        message: `You own the team "${team.name}", which has other members. Transfer ownership or delete the team first.`,
      });
    }
  }
  for (const team of teams) {
    await db.deleteFrom("organization").where("id", "=", team.id).execute();
  }
}
