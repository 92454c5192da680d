import { hash } from "node:crypto";
import type { Identity } from "./identity.ts";

export interface TokenCacheOptions {
  /** Most tokens remembered at once (default 10 000); the least recently used go first. */
  maxEntries?: number;
  /** Milliseconds since the epoch, as `exp` is counted (tests inject their own). */
  now?: () => number;
}

/**
 * Verified tokens, so a token presented again is not verified again. Only the verifier writes to
 * it, and only after a token passed every check: a refused token is never remembered.
 */
export interface TokenCache {
  /**
   * The identity of a token verified earlier and still within its validity, else undefined.
   * `keyStillPublished` is asked about the key that signed it: a key that left the key set
   * (retired after its grace period, or revoked) takes its cached tokens with it.
   */
  get(token: string, keyStillPublished?: (keyId: string) => boolean): Identity | undefined;
  /** Remembers a verified token until `validUntilMs` (never later than its `exp`). */
  set(token: string, identity: Identity, validUntilMs: number, keyId?: string): void;
  readonly size: number;
}

export const DEFAULT_TOKEN_CACHE_ENTRIES = 10_000;

interface Entry {
  identity: Identity;
  validUntilMs: number;
  keyId: string;
}

/**
 * A bounded LRU of verified tokens keyed by their SHA-256, so the cache never holds a usable
 * token and a key cannot be forged to match another one. An entry is dropped at its
 * `validUntilMs`, which the verifier sets to the token's `exp` (or its maximum age, if sooner): a
 * cached answer never accepts a token that verification would now refuse for its age. Revocation
 * is not this cache's business: the session check runs after it on every request, with its own
 * bound.
 *
 * Cost per hit: one SHA-256 of the token and two Map operations, far less than an Ed25519
 * verification (docs/decisions/006-verified-token-cache.md).
 *
 * @example
 * const verifier = createVerifier({ ...config, tokenCache: createTokenCache() });
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  const maxEntries = options.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError("maxEntries must be a positive integer");
  }
  const now = options.now ?? Date.now;
  // Map iteration follows insertion order; re-inserting on every hit keeps it least recent first.
  const entries = new Map<string, Entry>();
  const keyOf = (token: string) => hash("sha256", token, "base64url");

  return {
    get size() {
      return entries.size;
    },
    get(token, keyStillPublished = () => true) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (now() >= entry.validUntilMs || !keyStillPublished(entry.keyId)) return undefined;
      entries.set(key, entry);
      return entry.identity;
    },
    set(token, identity, validUntilMs, keyId = "") {
      if (!(validUntilMs > now())) return;
      const key = keyOf(token);
      entries.delete(key);
      entries.set(key, { identity: Object.freeze({ ...identity }), validUntilMs, keyId });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}
