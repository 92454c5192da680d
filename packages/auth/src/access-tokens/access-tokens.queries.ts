import {
  ACCESS_TOKEN_MAX_ACTIVE,
  type AccessTokenView,
  accessTokenHash,
  accessTokenHint,
  generateAccessToken,
} from "@tandem/contracts/access-tokens";
import { type TandemDb, uuidv7 } from "@tandem/db";
import type { NewAccessTokenInput } from "./access-tokens.input.ts";

/** Revoked or expired tokens stay listed (as such) this long, so a user sees what just ended. */
export const ENDED_TOKENS_LISTED_DAYS = 30;
/** At most this many ended tokens are listed, newest first, however many were made. */
export const ENDED_TOKENS_LISTED_MAX = 50;

const VIEW_COLUMNS = [
  "id",
  "name",
  "token_hint",
  "scope",
  "created_at",
  "expires_at",
  "last_used_at",
  "revoked_at",
] as const;

interface ViewRow {
  id: string;
  name: string;
  token_hint: string;
  scope: "read" | "write";
  created_at: Date | string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

function toView(row: ViewRow): AccessTokenView {
  return {
    id: row.id,
    name: row.name,
    hint: row.token_hint,
    scope: row.scope,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

/**
 * Creates a token for `userId`, or returns null when they already hold the most active tokens.
 * The count and the insert share a transaction, with the user's row locked on PostgreSQL (SQLite
 * has one writer at a time), so concurrent requests cannot pass the limit together.
 */
export async function createAccessToken(
  database: TandemDb,
  userId: string,
  input: NewAccessTokenInput,
  now: Date,
): Promise<{ secret: string; accessToken: AccessTokenView } | null> {
  const secret = generateAccessToken();
  const row = {
    id: uuidv7(now.getTime()),
    name: input.name,
    token_hint: accessTokenHint(secret),
    scope: input.scope,
    created_at: now.toISOString(),
    expires_at: input.expiresAt.toISOString(),
    last_used_at: null,
    revoked_at: null,
  } satisfies ViewRow;
  const tokenHash = await accessTokenHash(secret);
  const created = await database.db.transaction().execute(async (trx) => {
    if (database.dialect === "postgres") {
      await trx.selectFrom("user").select("id").where("id", "=", userId).forUpdate().execute();
    }
    const active = await trx
      .selectFrom("access_token")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now.toISOString())
      .executeTakeFirstOrThrow();
    if (Number(active.n) >= ACCESS_TOKEN_MAX_ACTIVE) return false;
    await trx
      .insertInto("access_token")
      .values({ ...row, user_id: userId, token_hash: tokenHash })
      .execute();
    return true;
  });
  return created ? { secret, accessToken: toView(row) } : null;
}

/**
 * The user's tokens for the settings page, newest first: every active one, and those revoked or
 * expired in the last 30 days (at most 50 of them). Never the hash.
 */
export async function listAccessTokens(
  database: TandemDb,
  userId: string,
  now: Date,
): Promise<AccessTokenView[]> {
  const nowIso = now.toISOString();
  const endedSince = new Date(now.getTime() - ENDED_TOKENS_LISTED_DAYS * 86_400_000).toISOString();
  const active = database.db
    .selectFrom("access_token")
    .select(VIEW_COLUMNS)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", nowIso)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  const ended = database.db
    .selectFrom("access_token")
    .select(VIEW_COLUMNS)
    .where("user_id", "=", userId)
    .where((eb) =>
      eb.or([
        eb("revoked_at", ">=", endedSince),
        eb.and([
          eb("revoked_at", "is", null),
          eb("expires_at", "<=", nowIso),
          eb("expires_at", ">=", endedSince),
        ]),
      ]),
    )
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(ENDED_TOKENS_LISTED_MAX)
    .execute();
  const rows = [...(await active), ...(await ended)];
  return rows.map(toView).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/**
 * Revokes one of the user's own tokens. Null when the user has no token with that id — another
 * user's included. Revoking a revoked token changes nothing (`changed: false`).
 */
export async function revokeAccessToken(
  database: TandemDb,
  userId: string,
  id: string,
  now: Date,
): Promise<{ accessToken: AccessTokenView; changed: boolean } | null> {
  const changed = await database.db
    .updateTable("access_token")
    .set({ revoked_at: now.toISOString() })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const row = await database.db
    .selectFrom("access_token")
    .select(VIEW_COLUMNS)
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return { accessToken: toView(row), changed: Number(changed.numUpdatedRows) > 0 };
}
