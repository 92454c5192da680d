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
  /** At most one refetch per this interval for unknown `kid`s (default 30 s). */
  cooldownMs?: number;
  /** Refresh a key set older than this on the next use (default 10 min). */
  maxAgeMs?: number;
  /** After a failed fetch, wait this long before trying again (default 1 s). Failures are never cached longer. */
  retryDelayMs?: number;
  /** Largest JWKS document accepted (default 64 KiB). */
  maxBytes?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

type KeyResult = { kind: "key"; key: CryptoKey } | { kind: "unknown-kid" };

/**
 * A cached remote JSON Web Key Set holding only Ed25519 keys.
 *
 * - Cold cache: the first use fetches; if that fails, `KeySetUnavailableError`.
 * - Unknown `kid`: refetch at most once per cooldown; a kid still absent is simply unknown.
 * - Stale cache: refreshed on use; if the refresh fails, the keys we have keep working
 *   (they were valid when fetched) while refreshes keep being tried.
 * - Concurrent callers share one in-flight fetch.
 */
export class RemoteKeySet {
  private readonly options: Required<Omit<RemoteKeySetOptions, "fetch" | "now">>;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private keys: Map<string, CryptoKey> | null = null;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private inflight: Promise<void> | null = null;

  constructor(options: RemoteKeySetOptions) {
    this.options = {
      url: options.url,
      timeoutMs: options.timeoutMs ?? 3000,
      cooldownMs: options.cooldownMs ?? 30_000,
      maxAgeMs: options.maxAgeMs ?? 600_000,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxBytes: options.maxBytes ?? 64 * 1024,
    };
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The key for a `kid`, fetching or refreshing the set as needed. */
  async getKey(kid: string): Promise<KeyResult> {
    if (this.keys === null) {
      await this.refresh();
    } else if (this.now() - this.fetchedAt > this.options.maxAgeMs && this.canTryNow()) {
      // Stale: try to refresh but keep using what we have if the issuer is unreachable.
      await this.refresh().catch(() => undefined);
    }
    const keys = this.keys;
    if (keys === null) throw new KeySetUnavailableError("the key set has not been fetched");
    const key = keys.get(kid);
    if (key) return { kind: "key", key };

    // A fetch already under way (another request saw this new kid first) may bring the key:
    // wait for it rather than call the kid unknown while the answer is on its way.
    if (this.inflight !== null || this.canRefetchForUnknownKid()) {
      await this.refresh();
      const fresh = this.keys?.get(kid);
      if (fresh) return { kind: "key", key: fresh };
    } else if (this.lastAttemptFailed) {
      // We could not ask the issuer about this kid yet; it may be a freshly rotated key.
      throw new KeySetUnavailableError("the key set is unreachable");
    }
    return { kind: "unknown-kid" };
  }

  private canTryNow(): boolean {
    return this.now() - this.lastAttemptAt >= (this.lastAttemptFailed ? this.options.retryDelayMs : 0);
  }

  private canRefetchForUnknownKid(): boolean {
    const wait = this.lastAttemptFailed ? this.options.retryDelayMs : this.options.cooldownMs;
    return this.now() - this.lastAttemptAt >= wait;
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
    this.lastAttemptAt = this.now();
    try {
      const keys = await this.download();
      this.keys = keys;
      this.fetchedAt = this.now();
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
