import {
  type AccessTokenScope,
  accessTokenHash,
  accessTokenHint,
  generateAccessToken,
} from "@tandem/contracts/access-tokens";
import { type TandemDb, uuidv7 } from "@tandem/db";

export interface SeedAccessTokenInput {
  userId: string;
  /** Default `write`. */
  scope?: AccessTokenScope;
  /** Default `test token`. */
  name?: string;
  /** Default 30 days from now. */
  expiresAt?: Date;
  /** Default not revoked. */
  revokedAt?: Date | null;
  /** Default never used. */
  lastUsedAt?: Date | null;
  /** Default now. */
  createdAt?: Date;
}

export interface SeededAccessToken {
  id: string;
  /** The token itself (`tandem_pat_…`), as its owner would have copied it. */
  token: string;
  /** What the database holds instead: the SHA-256 (hex) of the token. */
  tokenHash: string;
}

/**
 * A personal access token row as the auth server creates one (packages/auth access-tokens), written
 * straight into the database: for tests of the backends that verify tokens, which need expired,
 * revoked or read-only ones without going through the settings page.
 *
 * @example
 * const { token } = await seedAccessToken(database, { userId: alice.id, scope: "read" });
 * await fetch(`${api}/api/tasks`, { headers: { authorization: `Bearer ${token}` } });
 */
export async function seedAccessToken(
  database: Pick<TandemDb, "db">,
  input: SeedAccessTokenInput,
): Promise<SeededAccessToken> {
  const createdAt = input.createdAt ?? new Date();
  const token = generateAccessToken();
  const tokenHash = await accessTokenHash(token);
  const id = uuidv7(createdAt.getTime());
  await database.db
    .insertInto("access_token")
    .values({
      id,
      user_id: input.userId,
      name: input.name ?? "test token",
      token_hash: tokenHash,
      token_hint: accessTokenHint(token),
      scope: input.scope ?? "write",
      created_at: createdAt.toISOString(),
      expires_at: (input.expiresAt ?? new Date(createdAt.getTime() + 30 * 86_400_000)).toISOString(),
      last_used_at: input.lastUsedAt == null ? null : input.lastUsedAt.toISOString(),
      revoked_at: input.revokedAt == null ? null : input.revokedAt.toISOString(),
    })
    .execute();
  return { id, token, tokenHash };
}
