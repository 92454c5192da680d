/** What Better Auth's client returns on failure (`{ error }`), reduced to what we read. */
export interface AuthFailure {
  status?: number;
  code?: string | undefined;
  message?: string | undefined;
}

const NETWORK = "We can't reach the sign-in service right now. Check your connection and try again.";

/** A readable message for every way signing in or up can fail; never a raw server string. */
export function authErrorMessage(
  error: AuthFailure | null | undefined,
  action: "sign-in" | "sign-up",
): string {
  if (!error || error.status === undefined || error.status === 0) return NETWORK;
  // The account lockout (10 failures in 15 min) is also a 429, but lasts minutes, not seconds.
  if (error.code === "ACCOUNT_LOCKED") {
    return "Too many failed sign-ins for this account. Please try again in 15 minutes.";
  }
  if (error.status === 429) return "Too many attempts. Please wait a few seconds and try again.";
  switch (error.code) {
    case "INVALID_EMAIL_OR_PASSWORD":
      return "Wrong email or password.";
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return "An account with this email already exists. Sign in instead, or use another email.";
    case "PASSWORD_TOO_SHORT":
      return "Your password is too short: use at least 8 characters.";
    case "PASSWORD_TOO_LONG":
      return "Your password is too long: use at most 128 characters.";
    case "INVALID_EMAIL":
      return "Enter a valid email address.";
    default:
      break;
  }
  if (error.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
  return action === "sign-in"
    ? "We couldn't sign you in. Please check your details."
    : "We couldn't create your account. Please check your details.";
}
