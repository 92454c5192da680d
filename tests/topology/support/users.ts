// The load's virtual users: real accounts signed up through the balancer's web frontend
// (accounts.ts), each holding its session cookie and a JWT it refreshes as a browser client does.
import { browser, signUp } from "./accounts.ts";
import type { Topology } from "./topology.ts";

export interface VirtualUser {
  readonly index: number;
  readonly id: string;
  /** `better-auth.session_token=…`, for the web app (a new token, a server-rendered page). */
  readonly cookie: string;
  token: string;
  /** The token's `iat` and `exp`, in epoch milliseconds. */
  tokenIssuedAt: number;
  tokenExpiresAt: number;
}

export interface FreshToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** A JWT's `iat` and `exp` (ms), read without verifying: the client only needs to know when to refresh. */
export function lifetimeOf(token: string): { issuedAt: number; expiresAt: number } {
  const payload = token.split(".")[1] ?? "";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    iat?: unknown;
    exp?: unknown;
  };
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number") {
    throw new Error("the token lacks iat or exp");
  }
  return { issuedAt: claims.iat * 1000, expiresAt: claims.exp * 1000 };
}

/** A new JWT for the session behind `cookie`, within `timeoutMs`; throws when the web gives none. */
export async function fetchToken(webUrl: string, cookie: string, timeoutMs = 5_000): Promise<FreshToken> {
  const response = await fetch(`${webUrl}/api/auth/token`, {
    headers: browser(webUrl, cookie),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET /api/auth/token: ${response.status} ${text.slice(0, 200)}`);
  const { token } = JSON.parse(text) as { token: string };
  return { token, ...lifetimeOf(token) };
}

/** Gives `user` a fresh token from the web app. */
export async function renewToken(webUrl: string, user: VirtualUser): Promise<void> {
  const fresh = await fetchToken(webUrl, user.cookie);
  user.token = fresh.token;
  user.tokenIssuedAt = fresh.issuedAt;
  user.tokenExpiresAt = fresh.expiresAt;
}

/** Signs `count` users up through the balancer, two at a time (password hashing is slow on 2 cores). */
export async function signUpUsers(topology: Topology, count: number): Promise<VirtualUser[]> {
  const one = async (index: number): Promise<VirtualUser> => {
    const user = await signUp(topology, `Load ${index}`);
    const { issuedAt, expiresAt } = lifetimeOf(user.token);
    return {
      index,
      id: user.id,
      cookie: user.cookie,
      token: user.token,
      tokenIssuedAt: issuedAt,
      tokenExpiresAt: expiresAt,
    };
  };
  const users: VirtualUser[] = [];
  for (let start = 0; start < count; start += 2) {
    const batch = Array.from({ length: Math.min(2, count - start) }, (_, i) => one(start + i));
    users.push(...(await Promise.all(batch)));
  }
  return users;
}
