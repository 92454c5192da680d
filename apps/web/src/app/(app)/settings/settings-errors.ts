import type { AuthFailure } from "../../(auth)/auth-errors";

const NETWORK = "We can't reach the server right now. Check your connection and try again.";

/** A readable message for a failed settings change; never a raw server string. */
export function settingsErrorMessage(error: AuthFailure | null | undefined, fallback: string): string {
  if (!error || error.status === undefined || error.status === 0) return NETWORK;
  if (error.code === "TOO_MANY_PASSWORD_ATTEMPTS") {
    return "Too many wrong passwords. Please wait 15 minutes and try again.";
  }
  if (error.status === 429) return "Too many attempts. Please wait a little and try again.";
  switch (error.code) {
    case "INVALID_PASSWORD":
      return "Your current password is wrong.";
    case "PASSWORD_TOO_SHORT":
      return "The new password is too short: use at least 8 characters.";
    case "PASSWORD_TOO_LONG":
      return "The password is too long: use at most 128 characters.";
    case "SESSION_EXPIRED":
      return "Your session has ended. Sign in again, then retry.";
    default:
      break;
  }
  if (error.status === 401) return "Your session has ended. Sign in again, then retry.";
  if (error.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
  return fallback;
}
