/** A cached answer this far into its lifetime is refreshed in the background (why: docs/decisions/007-list-path-database-tuning.md). */
export const REFRESH_AHEAD_FRACTION = 0.8;

export interface BoundedCacheOptions {
  /** How long an answer is served, in ms: the bound on how stale it may be. 0 caches nothing. */
  ttlMs: number;
  /** Most answers remembered at once; the oldest answers are dropped first. */
  maxEntries: number;
  now: () => number;
}

export interface BoundedCache<V> {
  /**
   * The answer for `key`: a remembered one while it is younger than the bound (its age counts from
   * when its query started), else `load()`'s. Concurrent loads of one key share a single call; a
   * failed load is not remembered, so the error reaches the caller.
   */
  get(key: string, load: () => Promise<V>): Promise<V>;
}

interface Entry<V> {
  value: V;
  checkedAt: number;
}

/**
 * The cache behind the API's per-request database checks (the session check, team membership):
 * answers are reused for at most `ttlMs`, which is what bounds how late a revocation, a removal or
 * a role change is seen.
 *
 * @example
 * const roles = createBoundedCache<string | null>({ ttlMs: 5000, maxEntries: 10_000, now: Date.now });
 * const role = await roles.get(`${userId}:${teamId}`, () => readRole(userId, teamId));
 */
export function createBoundedCache<V>({ ttlMs, maxEntries, now }: BoundedCacheOptions): BoundedCache<V> {
  const refreshAfterMs = ttlMs * REFRESH_AHEAD_FRACTION;
  const cache = new Map<string, Entry<V>>();
  const inflight = new Map<string, Promise<Entry<V>>>();

  function remember(key: string, entry: Entry<V>) {
    if (ttlMs <= 0) return;
    cache.delete(key);
    cache.set(key, entry);
    // Map keeps insertion order, so the first keys are the oldest answers.
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  }

  function ask(key: string, load: () => Promise<V>): Promise<Entry<V>> {
    let pending = inflight.get(key);
    if (!pending) {
      // Stamped before the query: the answer is no newer than the moment it was asked for.
      const checkedAt = now();
      pending = load()
        .then((value) => ({ value, checkedAt }))
        .finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  return {
    async get(key, load) {
      const t = now();
      const cached = cache.get(key);
      if (cached && t - cached.checkedAt < ttlMs) {
        // Refresh ahead: a key in use is asked about again before its answer expires, so its
        // requests never wait on the database. The answer served is still within the bound; if
        // the refresh fails, the entry expires on time and the next request asks (and fails
        // closed) itself.
        if (t - cached.checkedAt >= refreshAfterMs && !inflight.has(key)) {
          ask(key, load).then(
            (entry) => remember(key, entry),
            () => {},
          );
        }
        return cached.value;
      }
      const entry = await ask(key, load);
      remember(key, entry);
      return entry.value;
    },
  };
}
