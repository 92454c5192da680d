import { type TandemDb, uuidv7 } from "@tandem/db";
import type { Logger } from "pino";

/** How often one token's `last_used_at` is written at most: the settings page shows minutes. */
export const LAST_USED_INTERVAL_MS = 60_000;
/** A user agent longer than this is cut (the history's rule, packages/auth/src/security/events.ts). */
const MAX_USER_AGENT_LENGTH = 512;

/** What the usage record needs of a verified token. */
export interface UsedToken {
  id: string;
  userId: string;
  /** The token's name: the history entry's detail. */
  tokenName: string;
  /** Whether `last_used_at` was already set when the token was read. */
  used: boolean;
}

export interface AccessTokenUsage {
  /**
   * Notes a use of a token: `last_used_at` is written in the background at most once per interval
   * per token, and the very first use adds `access_token_first_used` to the owner's history. Never
   * throws and never delays the request; a failed write is logged and tried again next interval.
   */
  record(token: UsedToken, request: { userAgent: string | null; logger: Logger }): void;
  /** Resolves when every write started so far has ended (tests). */
  settled(): Promise<void>;
}

export interface AccessTokenUsageOptions {
  database: Pick<TandemDb, "db" | "dialect">;
  now?: () => number;
  intervalMs?: number;
  /** Most tokens whose last write is remembered (default 10 000); the oldest are dropped first. */
  maxEntries?: number;
}

/**
 * The `last_used_at` column and the first-use history entry of personal access tokens. The first
 * use is claimed with `UPDATE … WHERE last_used_at IS NULL`: only the one request (of any process)
 * that flips it records the entry, in the same transaction, so it is recorded exactly once.
 *
 * @example
 * const usage = createAccessTokenUsage({ database });
 * usage.record(token, { userAgent: c.req.header("user-agent") ?? null, logger });
 */
export function createAccessTokenUsage(options: AccessTokenUsageOptions): AccessTokenUsage {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? LAST_USED_INTERVAL_MS;
  const maxEntries = options.maxEntries ?? 10_000;
  const { db, dialect } = options.database;
  const lastWritten = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  async function write(token: UsedToken, at: number, userAgent: string | null): Promise<void> {
    const stamp = new Date(at).toISOString();
    await db.transaction().execute(async (trx) => {
      if (!token.used) {
        if (dialect === "postgres") {
          // The owner's row first, as the history insert's foreign key will want it: an account
          // deletion running meanwhile locks the user, then the token (cascade). Taking them in the
          // same order means one waits for the other instead of a deadlock.
          await trx.selectFrom("user").select("id").where("id", "=", token.userId).forKeyShare().execute();
        }
        const first = await trx
          .updateTable("access_token")
          .set({ last_used_at: stamp })
          .where("id", "=", token.id)
          .where("last_used_at", "is", null)
          .executeTakeFirst();
        if (first.numUpdatedRows > 0n) {
          await trx
            .insertInto("security_event")
            .values({
              id: uuidv7(at),
              user_id: token.userId,
              type: "access_token_first_used",
              // The API sees no trustworthy client address (it may sit behind any proxy).
              ip: null,
              user_agent: userAgent === null ? null : userAgent.slice(0, MAX_USER_AGENT_LENGTH),
              created_at: stamp,
              detail: token.tokenName,
            })
            .execute();
          return;
        }
      }
      await trx.updateTable("access_token").set({ last_used_at: stamp }).where("id", "=", token.id).execute();
    });
  }

  return {
    record(token, { userAgent, logger }) {
      const at = now();
      const previous = lastWritten.get(token.id);
      if (previous !== undefined && at - previous < intervalMs) return;
      lastWritten.delete(token.id);
      lastWritten.set(token.id, at);
      while (lastWritten.size > maxEntries) {
        const oldest = lastWritten.keys().next().value;
        if (oldest === undefined) break;
        lastWritten.delete(oldest);
      }
      // After the response: the request neither waits for the write nor fails with it.
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => write(token, at, userAgent))
        .catch((error: unknown) => {
          // Tried again at the next use after the interval.
          logger.warn(
            { err: error instanceof Error ? error.message : String(error), tokenId: token.id },
            "access token use not recorded",
          );
        })
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
