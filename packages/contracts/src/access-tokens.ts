// Personal access tokens (decision 017): the format and rules shared by the auth server that
// creates them, both API backends that verify them, and the settings page. No zod and no Node
// built-ins: the browser imports this file (`@tandem/contracts/access-tokens`).
import { type TextKind, textRules } from "./rules.ts";

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const ACCESS_TOKEN_PREFIX = "tandem_pat_";
/** Random bytes behind the prefix, written as base64url without padding (43 characters). */
export const ACCESS_TOKEN_SECRET_BYTES = 32;
export const ACCESS_TOKEN_LENGTH = ACCESS_TOKEN_PREFIX.length + 43;
/** A well-formed token; anything else is refused without a database lookup. */
export const ACCESS_TOKEN_PATTERN = /^tandem_pat_[A-Za-z0-9_-]{43}$/;
/** The stored hint: the prefix and the secret's first 4 characters — not enough to use it. */
export const ACCESS_TOKEN_HINT_LENGTH = ACCESS_TOKEN_PREFIX.length + 4;

/** `read`: GET only; `write`: every task route. A read token is answered 403 on writes. */
export const ACCESS_TOKEN_SCOPES = ["read", "write"] as const;
export type AccessTokenScope = (typeof ACCESS_TOKEN_SCOPES)[number];

export const ACCESS_TOKEN_NAME_MAX = 60;
/** An expiry is required and falls at most this many days after creation. */
export const ACCESS_TOKEN_MAX_DAYS = 365;
/** Unrevoked, unexpired tokens one user may hold at once. */
export const ACCESS_TOKEN_MAX_ACTIVE = 50;
/** The expiries the settings page offers besides a date of the user's choosing. */
export const ACCESS_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;

const DAY_MS = 86_400_000;
const NAME: TextKind = { min: 1, max: ACCESS_TOKEN_NAME_MAX, singleLine: true, label: "Name" };

/** A token's metadata as the auth server answers it: never the token, never its hash. */
export interface AccessTokenView {
  id: string;
  name: string;
  /** `tandem_pat_` and the secret's first 4 characters. */
  hint: string;
  scope: AccessTokenScope;
  /** ISO 8601 instants. */
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `POST /api/auth/access-tokens/create`: the token, shown this once, and its metadata. */
export interface CreatedAccessToken {
  secret: string;
  accessToken: AccessTokenView;
}

export function isAccessTokenFormat(value: string): boolean {
  return ACCESS_TOKEN_PATTERN.test(value);
}

export function isAccessTokenScope(value: unknown): value is AccessTokenScope {
  return typeof value === "string" && (ACCESS_TOKEN_SCOPES as readonly string[]).includes(value);
}

export function accessTokenHint(token: string): string {
  return token.slice(0, ACCESS_TOKEN_HINT_LENGTH);
}

/** Why a token name (trimmed first) is refused, or null when it is fine. */
export function accessTokenNameProblem(name: string): string | null {
  return textRules(NAME).find((rule) => !rule.test(name.trim()))?.message ?? null;
}

/** The latest expiry a token created at `createdAt` may have. */
export function latestAccessTokenExpiry(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ACCESS_TOKEN_MAX_DAYS * DAY_MS);
}

/** Whether a token is usable at `now`: revocation wins over expiry. */
export function accessTokenState(
  token: Pick<AccessTokenView, "expiresAt" | "revokedAt">,
  now: Date = new Date(),
): "active" | "expired" | "revoked" {
  if (token.revokedAt !== null) return "revoked";
  return new Date(token.expiresAt).getTime() > now.getTime() ? "active" : "expired";
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A new token: the prefix and 32 bytes from the platform's CSPRNG. */
export function generateAccessToken(): string {
  const bytes = new Uint8Array(ACCESS_TOKEN_SECRET_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return ACCESS_TOKEN_PREFIX + base64url(bytes);
}

/**
 * What the database stores and looks tokens up by: the lowercase hex SHA-256 of the whole token
 * string (prefix included). A fast hash is enough: the secret has 256 bits of entropy.
 *
 * @example
 * const row = await db.selectFrom("access_token").where("token_hash", "=", await accessTokenHash(bearer))…
 */
export async function accessTokenHash(token: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
