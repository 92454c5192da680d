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
