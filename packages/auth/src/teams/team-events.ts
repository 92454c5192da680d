import type { SecurityEventType, TandemDb } from "@tandem/db";
import { recordSecurityEvent } from "../security/events.ts";

export interface TeamEvents {
  /** Records a team event in one account's history; a failure is logged, never thrown. */
  record(userId: string, type: SecurityEventType, detail: string): Promise<void>;
  /** Clears a departed member's assignments in a team (their tasks themselves stay). */
  unassign(teamId: string, userId: string): Promise<void>;
}

export function teamEvents(database: TandemDb, log: (message: string) => void): TeamEvents {
  const { db } = database;
  return {
    async record(userId, type, detail) {
      try {
        await recordSecurityEvent(db, { userId, type, ip: null, userAgent: null, detail });
      } catch (error) {
        log(`Could not record the security event ${type}: ${(error as Error).message}`);
      }
    },
    async unassign(teamId, userId) {
      await db
        .updateTable("task")
        .set({ assignee_id: null })
        .where("team_id", "=", teamId)
        .where("assignee_id", "=", userId)
        .execute();
    },
  };
}
