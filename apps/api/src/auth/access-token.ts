import {
  ACCESS_TOKEN_PREFIX,
  type AccessTokenScope,
  accessTokenHash,
  isAccessTokenFormat,
  isAccessTokenScope,
} from "@tandem/contracts";
import type { TandemDb } from "@tandem/db";
import type { Logger } from "pino";
import { createBoundedCache } from "./bounded-cache.ts";
import type { Identity } from "./identity.ts";
import type { AccessTokenUsage, UsedToken } from "./access-token-usage.ts";
import { DEFAULT_REVOCATION_CHECK_SECONDS } from "./session-check.ts";
import { InvalidTokenError } from "./verifier.ts";

/** The access-token table could not be read; the request must fail closed (503), not pass. */
export class AccessTokenStoreUnavailableError extends Error {
  override name = "AccessTokenStoreUnavailableError";
}

/** The verifier's word for any token that is not even shaped like one: a malformed PAT says the same. */
export const MALFORMED_TOKEN = "The access token is malformed";
/**
 * One answer for an unknown, expired or revoked token, or one whose owner is gone: a guesser
 * learns nothing from it, and the owner of a real token can see which in their settings.
 */
export const REFUSED_ACCESS_TOKEN = "The personal access token is unknown, expired or revoked";

/**
 * True when a bearer value is meant as a personal access token (by its prefix). A JWT never starts
 * so (its first character is that of a base64url JSON header, `e`).
 */
export function isPersonalAccessToken(bearer: string): boolean {
  return bearer.startsWith(ACCESS_TOKEN_PREFIX);
}

/** A token row as the check keeps it (never the token, nor its hash). */
interface StoredToken extends UsedToken {
  ownerName: string;
  scope: AccessTokenScope;
  expiresAtMs: number;
}

export interface AccessTokenCheckOptions {
  database: Pick<TandemDb, "db">;
  /**
   * How long an answer (a token, or the absence of one) is reused, in seconds: the bound on how
   * late a revocation or an account deletion reaches the API, shared with the session check
   * (AUTH_REVOCATION_CHECK_SECONDS). 0 asks on every request. Default 5.
   */
  cacheSeconds?: number;
  /** Most tokens remembered at once (default 10 000); the oldest answers are dropped first. */
  maxEntries?: number;
  now?: () => number;
  /** Records `last_used_at` and the first use; absent = nothing is recorded. */
  usage?: AccessTokenUsage;
}

/** What the request tells the usage record. */
export interface AccessTokenRequest {
  userAgent: string | null;
  logger: Logger;
}

export interface AccessTokenCheck {
  /**
   * The identity behind a personal access token. Throws InvalidTokenError when it is refused and
   * AccessTokenStoreUnavailableError when the table cannot be read.
   */
  verify(token: string, request: AccessTokenRequest): Promise<Identity>;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  scope: string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
  owner_name: string;
}

/**
 * Personal access tokens (decision 017), verified against the shared database: format first (no
 * lookup for a malformed one), then the SHA-256 of the whole token looked up with its owner, not
 * revoked, not expired. Answers are cached per hash for at most `cacheSeconds`; expiry is checked
 * on every request against the cached instant.
 *
 * @example
 * const tokens = createAccessTokenCheck({ database, cacheSeconds: 5 });
 * const identity = await tokens.verify(bearer, { userAgent, logger });
 */
export function createAccessTokenCheck(options: AccessTokenCheckOptions): AccessTokenCheck {
  const now = options.now ?? Date.now;
  const cache = createBoundedCache<StoredToken | null>({
    ttlMs: (options.cacheSeconds ?? DEFAULT_REVOCATION_CHECK_SECONDS) * 1000,
    maxEntries: options.maxEntries ?? 10_000,
    now,
  });
  const { db } = options.database;

  async function lookUp(tokenHash: string): Promise<StoredToken | null> {
    let row: TokenRow | undefined;
    try {
      row = await db
        .selectFrom("access_token")
        // The owner must still exist (deleting a user cascades to their tokens; the join says so
        // even where foreign keys were off).
        .innerJoin("user", "user.id", "access_token.user_id")
        .select([
          "access_token.id",
          "access_token.user_id",
          "access_token.name",
          "access_token.scope",
          "access_token.expires_at",
          "access_token.last_used_at",
          "user.name as owner_name",
        ])
        .where("access_token.token_hash", "=", tokenHash)
        .where("access_token.revoked_at", "is", null)
        .executeTakeFirst();
    } catch (error) {
      throw new AccessTokenStoreUnavailableError("the access-token store cannot be read", { cause: error });
    }
    // A scope Tandem does not know grants nothing: a hand-edited row fails closed.
    if (row === undefined || !isAccessTokenScope(row.scope)) return null;
    return {
      id: row.id,
      userId: row.user_id,
      tokenName: row.name,
      used: row.last_used_at !== null,
      ownerName: row.owner_name,
      scope: row.scope,
      expiresAtMs: new Date(row.expires_at).getTime(),
    };
  }

  return {
    async verify(token, request) {
      if (!isAccessTokenFormat(token)) throw new InvalidTokenError(MALFORMED_TOKEN);
      const tokenHash = await accessTokenHash(token);
      const stored = await cache.get(tokenHash, () => lookUp(tokenHash));
      // NaN (an unreadable instant) is never later than now: refused.
      if (stored === null || !(stored.expiresAtMs > now())) {
        throw new InvalidTokenError(REFUSED_ACCESS_TOKEN);
      }
      options.usage?.record(stored, request);
      return {
        userId: stored.userId,
        sessionId: null,
        name: stored.ownerName,
        expiresAt: Math.floor(stored.expiresAtMs / 1000),
        // A token proves no sign-in: no method, no time (so step-up guards refuse it).
        amr: [],
        authTime: null,
        credential: { kind: "access_token", tokenId: stored.id, scope: stored.scope },
      };
    },
  };
}
