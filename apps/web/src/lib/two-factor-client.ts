import { AUTH_ERROR_CODES } from "@tandem/auth/error-codes";
import { twoFactorClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import { type AuthFailure, authErrorMessage } from "./auth-errors";

/**
 * Better Auth's client with the two-factor endpoints, for the sign-in code step and the settings
 * section only: the app's main client (auth-client.ts) stays plugin-free and small.
 */
export const twoFactorAuthClient = createAuthClient({ plugins: [twoFactorClient()] });

/** Answers after which the code step cannot go on: the password must be entered again. */
const RESTART_CODES = new Set(["TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE", "INVALID_TWO_FACTOR_COOKIE"]);

/** Whether a failed code step must start over from the password (too many tries, or too late). */
export function mustRestartSignIn(error: AuthFailure): boolean {
  return error.code !== undefined && RESTART_CODES.has(error.code);
}

const LOCKED = "Too many failed sign-ins for this account. Please try again in 15 minutes.";

const SIGN_IN: Record<string, string> = {
  INVALID_CODE: "That code isn't right. Enter the 6-digit code your authenticator app shows now.",
  INVALID_BACKUP_CODE: "That backup code isn't right, or it has been used already.",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: "Too many wrong codes. Enter your email and password again.",
  INVALID_TWO_FACTOR_COOKIE: "This sign-in took too long. Enter your email and password again.",
  ACCOUNT_TEMPORARILY_LOCKED: LOCKED,
  [AUTH_ERROR_CODES.ACCOUNT_LOCKED]: LOCKED,
};

const SETTINGS: Record<string, string> = {
  INVALID_CODE:
    "That code isn't right, or it was used already. Enter the current code from your authenticator app.",
  [AUTH_ERROR_CODES.TOO_MANY_PASSWORD_ATTEMPTS]:
    "Too many wrong passwords or codes. Please wait 15 minutes and try again.",
  TWO_FACTOR_NOT_ENABLED: "Two-factor authentication is already off.",
  TOTP_ALREADY_ENABLED: "Two-factor authentication is already on.",
};

/**
 * A readable message for a failed two-factor request; anything not particular to two-factor reads
 * as the app's other auth failures do (auth-errors.ts).
 *
 * @example
 * twoFactorErrorMessage({ status: 401, code: "INVALID_CODE" }, "sign-in")
 */
export function twoFactorErrorMessage(
  error: AuthFailure | null | undefined,
  context: "sign-in" | "settings",
  fallback?: string,
): string {
  const messages = context === "sign-in" ? SIGN_IN : SETTINGS;
  const known = error?.code === undefined ? undefined : messages[error.code];
  return known ?? authErrorMessage(error, context, fallback);
}
