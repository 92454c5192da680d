import { ApiError, ApiUnreachableError, SessionEndedError } from "./api-errors";

// The browser's access token for the API. It lives only in this module's closures: never in
// localStorage, sessionStorage or a cookie, so an injected script can at worst use it while the
// page is open, and a closed tab leaves nothing behind.

/** The registered claims the client needs; the signature is the API's business, not ours. */
export function decodeJwtClaims(token: string): { exp?: number; iat?: number } | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (c) =>
      c.charCodeAt(0),
    );
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims !== "object" || claims === null) return null;
    const { exp, iat } = claims as Record<string, unknown>;
    return {
      ...(typeof exp === "number" ? { exp } : {}),
      ...(typeof iat === "number" ? { iat } : {}),
    };
  } catch {
    return null;
  }
}

export interface TokenSource {
  /** A token that is not about to expire. */
  getToken(): Promise<string>;
  /** A new token after the API refused `stale`; absent when renewal is impossible (server side). */
  renew?(stale: string): Promise<string>;
}

export interface TokenManager extends Required<TokenSource> {
  /** Forget the token (e.g. on sign-out). */
  clear(): void;
}

export interface TokenManagerOptions {
  /** Where Better Auth hands out tokens for the session cookie. Same origin. */
  tokenUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Called once when the token endpoint says there is no session any more. */
  onSessionEnded?: () => void;
}

const TOKEN_MARGIN_MS = 30_000;
const TOKEN_MARGIN_RATIO = 0.2;

/**
 * Hands out the short-lived API token, renewing it shortly before it expires (when less than 20 % of
 * its lifetime or 30 s remain, whichever is smaller). Concurrent callers share one renewal.
 *
 * @example
 * const tokens = createTokenManager({ onSessionEnded: () => location.assign("/sign-in") });
 * const client = createApiClient({ baseUrl: "http://localhost:8000", tokens });
 */
export function createTokenManager(options: TokenManagerOptions = {}): TokenManager {
  const tokenUrl = options.tokenUrl ?? "/api/auth/token";
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = options.now ?? Date.now;
  let current: { token: string; renewAt: number; expiresAt: number } | null = null;
  let inflight: Promise<string> | null = null;
  let endedReported = false;

  function remember(token: string): string {
    const receivedAt = now();
    const claims = decodeJwtClaims(token);
    // The lifetime is taken from exp − iat and counted from when the token arrived, so a browser
    // clock that is minutes off does not make every token look expired (or eternal).
    let lifetimeMs = 60_000;
    if (claims?.exp !== undefined) {
      lifetimeMs =
        claims.iat !== undefined && claims.exp > claims.iat
          ? (claims.exp - claims.iat) * 1000
          : Math.max(0, claims.exp * 1000 - receivedAt);
    }
    const margin = Math.min(lifetimeMs * TOKEN_MARGIN_RATIO, TOKEN_MARGIN_MS);
    current = { token, renewAt: receivedAt + lifetimeMs - margin, expiresAt: receivedAt + lifetimeMs };
    return token;
  }

  async function fetchToken(): Promise<string> {
    let response: Response;
    try {
      response = await fetchImpl(tokenUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      throw new ApiUnreachableError("auth", { cause: error });
    }
    if (response.status === 401) {
      current = null;
      if (!endedReported) {
        endedReported = true;
        options.onSessionEnded?.();
      }
      throw new SessionEndedError();
    }
    if (!response.ok) {
      throw new ApiError({
        status: response.status,
        code: response.status === 429 ? "RATE_LIMITED" : "SERVICE_UNAVAILABLE",
        detail: `The sign-in service answered ${response.status}`,
      });
    }
    const body: unknown = await response.json().catch(() => null);
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== "string" || token === "") {
      throw new ApiError({ status: 502, code: "SERVICE_UNAVAILABLE", detail: "No token in the answer" });
    }
    endedReported = false;
    return remember(token);
  }

  function renewNow(): Promise<string> {
    inflight ??= fetchToken().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async getToken() {
      if (current && now() < current.renewAt) return current.token;
      const fallback = current;
      try {
        return await renewNow();
      } catch (error) {
        // The web server hiccupped but the token we hold is still good: use it rather than fail.
        if (!(error instanceof SessionEndedError) && fallback && now() < fallback.expiresAt - 1000) {
          return fallback.token;
        }
        throw error;
      }
    },
    async renew(stale) {
      // Several requests refused with the same token share one renewal; a request that was refused
      // with an old token after the renewal already happened just takes the new one.
      if (current && current.token !== stale && now() < current.renewAt) return current.token;
      if (current?.token === stale) current = null;
      return renewNow();
    },
    clear() {
      current = null;
    },
  };
}
