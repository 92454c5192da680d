import { setTimeout as delay } from "node:timers/promises";
import { type CryptoKey, importJWK, type JWK } from "jose";

/** The key set could not be fetched or read: tokens cannot be checked right now (fail closed). */
export class KeySetUnavailableError extends Error {
  override name = "KeySetUnavailableError";
}

export interface RemoteKeySetOptions {
  /** The JWKS URL, from configuration only: nothing a token says is ever fetched. */
  url: string;
  /** Abort a fetch after this long (default 3000 ms). */
  timeoutMs?: number;
  /**
   * At most one fetch per this interval for unknown `kid`s (default 1 s). A token with an unknown
   * kid waits for the next allowed fetch rather than being refused, so a freshly rotated key is
   * never refused, and kid spraying costs the issuer at most one request per interval.
   */
  cooldownMs?: number;
  /** Refresh a key set older than this on the next use (default 10 min). */
  maxAgeMs?: number;
  /** After a failed fetch, wait this long before trying again (default 1 s). Failures are never cached longer. */
  retryDelayMs?: number;
  /** Largest JWKS document accepted (default 64 KiB). */
  maxBytes?: number;
  now?: () => number;
  /** Waits `ms` (tests pass one that advances their clock). */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

type KeyResult = { kind: "key"; key: CryptoKey } | { kind: "unknown-kid" };

/**
 * A cached remote JSON Web Key Set holding only Ed25519 keys.
 *
 * - Cold cache: the first use fetches; if that fails, `KeySetUnavailableError`.
 * - Unknown `kid`: only a key set requested after the token arrived can say a kid is unknown;
 *   until then the caller waits for the next fetch, which happens at most once per cooldown.
 * - Stale cache: refreshed on use; if the refresh fails, the keys we have keep working
 *   (they were valid when fetched) while refreshes keep being tried.
 * - Concurrent callers share one in-flight fetch.
 */
export class RemoteKeySet {
  private readonly options: Required<Omit<RemoteKeySetOptions, "fetch" | "now" | "sleep">>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;
  private keys: Map<string, CryptoKey> | null = null;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  /** When the last successful fetch started: its answer covers every token that arrived before. */
  private lastSuccessStartedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private scheduled: Promise<void> | null = null;

  constructor(options: RemoteKeySetOptions) {
    this.options = {
      url: options.url,
      timeoutMs: options.timeoutMs ?? 3000,
      cooldownMs: options.cooldownMs ?? 1000,
      maxAgeMs: options.maxAgeMs ?? 600_000,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxBytes: options.maxBytes ?? 64 * 1024,
    };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * Whether `kid` is in the key set as last fetched, without waiting. A stale set starts a refresh
   * in the background, so answers reused without verification (the token cache) still learn within
   * the set's maximum age that a key was retired or revoked.
   */
  hasKey(kid: string): boolean {
    if (this.keys !== null && this.now() - this.fetchedAt > this.options.maxAgeMs && this.canTryNow()) {
      this.refresh().catch(() => undefined);
    }
    return this.keys?.has(kid) ?? false;
  }

  /** The key for a `kid`, fetching or refreshing the set as needed. */
  async getKey(kid: string): Promise<KeyResult> {
    const arrivedAt = this.now();
    if (this.keys === null) {
      await this.refresh();
    } else if (this.now() - this.fetchedAt > this.options.maxAgeMs && this.canTryNow()) {
      // Stale: try to refresh but keep using what we have if the issuer is unreachable.
      await this.refresh().catch(() => undefined);
    }
    if (this.keys === null) throw new KeySetUnavailableError("the key set has not been fetched");
    const key = this.keys.get(kid);
    if (key) return { kind: "key", key };

    // An unknown kid may be a key the issuer created after our last fetch (a rotation). Only a
    // key set requested after this token arrived can tell; each pass below either returns,
    // throws (a failed fetch), or ends with such a key set.
    while (this.lastSuccessStartedAt < arrivedAt) {
      if (this.inflight !== null) {
        await this.inflight;
      } else if (this.lastAttemptFailed) {
        // We could not ask the issuer about this kid yet; it may be a freshly rotated key.
        if (!this.canTryNow()) throw new KeySetUnavailableError("the key set is unreachable");
        await this.refresh();
      } else {
        await this.refetchAfterCooldown();
      }
      const fresh = this.keys.get(kid);
      if (fresh) return { kind: "key", key: fresh };
    }
    return { kind: "unknown-kid" };
  }

  /** One fetch as soon as the cooldown since the last one allows; concurrent callers share it. */
  private refetchAfterCooldown(): Promise<void> {
    const wait = this.lastAttemptAt + this.options.cooldownMs - this.now();
    if (wait <= 0) return this.refresh();
    this.scheduled ??= this.sleep(wait).then(() => {
      this.scheduled = null;
      return this.refresh();
    });
    return this.scheduled;
  }

  private canTryNow(): boolean {
    return this.now() - this.lastAttemptAt >= (this.lastAttemptFailed ? this.options.retryDelayMs : 0);
  }

  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.keys === null && !this.canTryNow()) {
      return Promise.reject(new KeySetUnavailableError("the key set is unreachable"));
    }
    this.inflight = this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    const startedAt = this.now();
    this.lastAttemptAt = startedAt;
    try {
      const keys = await this.download();
      this.keys = keys;
      this.fetchedAt = this.now();
      this.lastSuccessStartedAt = startedAt;
      this.lastAttemptFailed = false;
    } catch (error) {
      this.lastAttemptFailed = true;
      throw error instanceof KeySetUnavailableError
        ? error
        : new KeySetUnavailableError("fetching the key set failed", { cause: error });
    }
  }

  private async download(): Promise<Map<string, CryptoKey>> {
    const response = await this.fetchImpl(this.options.url, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: { accept: "application/json" },
      redirect: "error",
    });
    if (!response.ok) throw new KeySetUnavailableError(`the key set answered HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > this.options.maxBytes) throw new KeySetUnavailableError("the key set is too large");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new KeySetUnavailableError("the key set is not JSON");
    }
    if (!isKeySet(body)) throw new KeySetUnavailableError("the key set has no keys array");
    const keys = new Map<string, CryptoKey>();
    for (const jwk of body.keys) {
      // Only Ed25519 signing keys with a kid are usable for Tandem's EdDSA tokens.
      if (!isRecord(jwk) || jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.kid !== "string")
        continue;
      if (typeof jwk.x !== "string" || "d" in jwk) continue;
      if (jwk.use !== undefined && jwk.use !== "sig") continue;
      if (jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") continue;
      try {
        const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x } satisfies JWK, "EdDSA");
        if (!(key instanceof Uint8Array)) keys.set(jwk.kid, key);
      } catch {
        // A malformed key is skipped; the others stay usable.
      }
    }
    return keys;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKeySet(value: unknown): value is { keys: unknown[] } {
  return isRecord(value) && Array.isArray(value.keys);
}
