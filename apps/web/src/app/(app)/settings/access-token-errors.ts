import { ACCESS_TOKEN_ERROR_CODES as CODES, type AccessTokenErrorCode } from "@tandem/auth/error-codes";
import { type AuthFailure, authErrorMessage } from "@/lib/auth-errors";

const MESSAGES: Record<AccessTokenErrorCode, string> = {
  [CODES.INVALID_ACCESS_TOKEN_NAME]: "Give the token a name of one line, up to 60 characters.",
  [CODES.INVALID_ACCESS_TOKEN_SCOPE]: "Choose Read-only or Read and write.",
  [CODES.INVALID_ACCESS_TOKEN_EXPIRY]: "Choose an expiry between tomorrow and one year from today.",
  [CODES.TOO_MANY_ACCESS_TOKENS]: "You have 50 active access tokens, the most allowed. Revoke one first.",
  [CODES.ACCESS_TOKEN_NOT_FOUND]: "This token no longer exists. Reload the page to see your tokens.",
};

function isAccessTokenCode(code: string | undefined): code is AccessTokenErrorCode {
  return code !== undefined && Object.hasOwn(MESSAGES, code);
}

/** A readable message for a failed `/access-tokens/*` request; never a raw server string. */
export function accessTokenErrorMessage(error: AuthFailure | null | undefined, fallback: string): string {
  if (error && isAccessTokenCode(error.code)) return MESSAGES[error.code];
  return authErrorMessage(error, "settings", fallback);
}
