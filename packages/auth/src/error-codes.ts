// The error codes Tandem's auth endpoints answer with (`{ code, message }` bodies) that a client is
// expected to tell apart. No runtime imports: the browser bundle imports this file
// (`@tandem/auth/error-codes`), never the rest of the package.
import type { BASE_ERROR_CODES } from "better-auth";

/** Better Auth's codes that Tandem's clients map to their own messages (checked against its catalogue). */
const BETTER_AUTH_CODES = {
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
  INVALID_EMAIL: "INVALID_EMAIL",
  INVALID_EMAIL_OR_PASSWORD: "INVALID_EMAIL_OR_PASSWORD",
  INVALID_PASSWORD: "INVALID_PASSWORD",
  INVALID_TOKEN: "INVALID_TOKEN",
  PASSWORD_TOO_LONG: "PASSWORD_TOO_LONG",
  PASSWORD_TOO_SHORT: "PASSWORD_TOO_SHORT",
  SESSION_EXPIRED: "SESSION_EXPIRED",
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  USER_ALREADY_EXISTS: "USER_ALREADY_EXISTS",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
} as const satisfies { [K in keyof typeof BASE_ERROR_CODES]?: K };

/**
 * Every auth error code a client handles: Tandem's own (429 account lockout, 429 too many wrong
 * current passwords) and Better Auth's.
 *
 * @example
 * if (error.code === AUTH_ERROR_CODES.ACCOUNT_LOCKED) showLockout();
 */
export const AUTH_ERROR_CODES = {
  ...BETTER_AUTH_CODES,
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  TOO_MANY_PASSWORD_ATTEMPTS: "TOO_MANY_PASSWORD_ATTEMPTS",
  /** 429: the per-address allowance of reset or verification emails is used up. */
  TOO_MANY_EMAILS: "TOO_MANY_EMAILS",
  /** 403 from `/token` while the account's email awaits verification (verification required). */
  EMAIL_VERIFICATION_REQUIRED: "EMAIL_VERIFICATION_REQUIRED",
  /** Better Auth's answer to a reset request when no mail can be sent (email turned off). */
  RESET_PASSWORD_DISABLED: "RESET_PASSWORD_DISABLED",
  /** An email-verification link that has been used already. */
  LINK_ALREADY_USED: "LINK_ALREADY_USED",
  /**
   * 403: a sensitive change (disable two-factor, remove a passkey, change email or password,
   * create an access token, delete the account) needs a sign-in less than 10 minutes old.
   */
  FRESH_SIGN_IN_REQUIRED: "FRESH_SIGN_IN_REQUIRED",
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERROR_CODES;

/** Codes of Tandem's team rules on top of Better Auth's organization plugin (decision 016). */
export const TEAM_ERROR_CODES = {
  /** An invitation or role change asked for owner (ownership moves only by a transfer) or an unknown role. */
  ROLE_NOT_ASSIGNABLE: "ROLE_NOT_ASSIGNABLE",
  /** The owner's role cannot be changed directly. */
  OWNER_ROLE_FIXED: "OWNER_ROLE_FIXED",
  /** Only the owner may do this (transfer ownership). */
  OWNER_ONLY: "OWNER_ONLY",
  MEMBER_NOT_FOUND: "MEMBER_NOT_FOUND",
  /** A team name that is empty, too long (60) or holds control characters. */
  INVALID_TEAM_NAME: "INVALID_TEAM_NAME",
  /** Account deletion while owning a team with other members. */
  TEAM_OWNERSHIP_HELD: "TEAM_OWNERSHIP_HELD",
} as const;

/** Codes of the personal access token endpoints (`/access-tokens/*`, decision 017). */
export const ACCESS_TOKEN_ERROR_CODES = {
  /** 400: a name that is empty, longer than 60 characters or holds control characters. */
  INVALID_ACCESS_TOKEN_NAME: "INVALID_ACCESS_TOKEN_NAME",
  /** 400: a scope other than `read` or `write`. */
  INVALID_ACCESS_TOKEN_SCOPE: "INVALID_ACCESS_TOKEN_SCOPE",
  /** 400: no expiry, one in the past, or one more than 365 days ahead. */
  INVALID_ACCESS_TOKEN_EXPIRY: "INVALID_ACCESS_TOKEN_EXPIRY",
  /** 400: the user already holds 50 unrevoked, unexpired tokens. */
  TOO_MANY_ACCESS_TOKENS: "TOO_MANY_ACCESS_TOKENS",
  /** 404: no such token among the caller's own (another user's is answered the same). */
  ACCESS_TOKEN_NOT_FOUND: "ACCESS_TOKEN_NOT_FOUND",
} as const;

export type AccessTokenErrorCode = keyof typeof ACCESS_TOKEN_ERROR_CODES;

/**
 * Codes of sign-in with other providers (decision 017). The upper-case ones answer API calls as
 * `{ code, message }`; the callback's failures come back to the page as `?error=<code>`, with
 * Better Auth's own lower-case codes besides these.
 */
export const FEDERATION_ERROR_CODES = {
  /** 400: unlinking would leave the account with no way to sign in (no password, passkey or other provider). */
  LAST_SIGN_IN_METHOD: "LAST_SIGN_IN_METHOD",
  /** 400: the password is not a linked provider; `/unlink-account` refuses the credential row. */
  PASSWORD_NOT_UNLINKABLE: "PASSWORD_NOT_UNLINKABLE",
  /** 400: an ID token posted by the client; only the redirect flow (PKCE, state, nonce) signs in or links. */
  ID_TOKEN_SIGN_IN_DISABLED: "ID_TOKEN_SIGN_IN_DISABLED",
  /** 502: the provider's discovery document names another issuer than the one configured. */
  PROVIDER_ISSUER_MISMATCH: "PROVIDER_ISSUER_MISMATCH",
  /** Callback `?error=`: a first sign-in whose email the provider does not assert as verified. */
  PROVIDER_EMAIL_NOT_VERIFIED: "PROVIDER_EMAIL_NOT_VERIFIED",
} as const;

export type FederationErrorCode = keyof typeof FEDERATION_ERROR_CODES;
