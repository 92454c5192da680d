import { AUTH_ERROR_CODES as CODES, type AuthErrorCode } from "@tandem/auth/error-codes";

/** What Better Auth's client returns on failure (`{ error }`), reduced to what we read. */
export interface AuthFailure {
  status?: number;
  code?: string | undefined;
  message?: string | undefined;
}

/** Where the failure happened: the sign-in and sign-up forms, or a settings form. */
export type FailureContext = "sign-in" | "sign-up" | "settings" | "reset";

interface Messages {
  unreachable: string;
  tooManyAttempts: string;
  byCode: Partial<Record<AuthErrorCode, string>>;
  /** A 401 without a known code. */
  unauthorized?: string;
  /** Anything else; a settings form names what it could not do instead. */
  otherwise?: string;
}

const SERVER_FAULT = "Something went wrong on our side. Please try again in a moment.";
const SESSION_ENDED = "Your session has ended. Sign in again, then retry.";

const SIGN_IN_OR_UP: Messages["byCode"] = {
  // The account lockout is also a 429, but lasts minutes, not seconds.
  [CODES.ACCOUNT_LOCKED]: "Too many failed sign-ins for this account. Please try again in 15 minutes.",
  [CODES.INVALID_EMAIL_OR_PASSWORD]: "Wrong email or password.",
  [CODES.USER_ALREADY_EXISTS]:
    "An account with this email already exists. Sign in instead, or use another email.",
  [CODES.USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL]:
    "An account with this email already exists. Sign in instead, or use another email.",
  [CODES.PASSWORD_TOO_SHORT]: "Your password is too short: use at least 8 characters.",
  [CODES.PASSWORD_TOO_LONG]: "Your password is too long: use at most 128 characters.",
  [CODES.INVALID_EMAIL]: "Enter a valid email address.",
  [CODES.EMAIL_NOT_VERIFIED]:
    "Verify your email address first: open the link we sent you, or send a new one below.",
  [CODES.TOO_MANY_EMAILS]: "We've sent several emails to this address already. Please try again in an hour.",
};

const LINK_UNUSABLE = "This reset link has expired or has already been used. Ask for a new one below.";

const AUTH_UNREACHABLE = "We can't reach the sign-in service right now. Check your connection and try again.";
const AUTH_TOO_MANY = "Too many attempts. Please wait a few seconds and try again.";

const MESSAGES: Record<FailureContext, Messages> = {
  "sign-in": {
    unreachable: AUTH_UNREACHABLE,
    tooManyAttempts: AUTH_TOO_MANY,
    byCode: SIGN_IN_OR_UP,
    otherwise: "We couldn't sign you in. Please check your details.",
  },
  "sign-up": {
    unreachable: AUTH_UNREACHABLE,
    tooManyAttempts: AUTH_TOO_MANY,
    byCode: SIGN_IN_OR_UP,
    otherwise: "We couldn't create your account. Please check your details.",
  },
  reset: {
    unreachable: "We can't reach the server right now. Check your connection and try again.",
    tooManyAttempts: "Too many requests. Please wait a minute and try again.",
    byCode: {
      [CODES.TOO_MANY_EMAILS]:
        "We've sent several reset emails to this address already. Please try again in an hour.",
      [CODES.RESET_PASSWORD_DISABLED]:
        "Password reset by email isn't available on this server. Please contact its administrator.",
      [CODES.INVALID_EMAIL]: "Enter a valid email address.",
      [CODES.INVALID_TOKEN]: LINK_UNUSABLE,
      [CODES.TOKEN_EXPIRED]: LINK_UNUSABLE,
      [CODES.PASSWORD_TOO_SHORT]: "The new password is too short: use at least 8 characters.",
      [CODES.PASSWORD_TOO_LONG]: "The new password is too long: use at most 128 characters.",
    },
    otherwise: "We couldn't do that. Please check what you entered and try again.",
  },
  settings: {
    unreachable: "We can't reach the server right now. Check your connection and try again.",
    tooManyAttempts: "Too many attempts. Please wait a little and try again.",
    byCode: {
      [CODES.TOO_MANY_PASSWORD_ATTEMPTS]: "Too many wrong passwords. Please wait 15 minutes and try again.",
      [CODES.INVALID_PASSWORD]: "Your current password is wrong.",
      [CODES.PASSWORD_TOO_SHORT]: "The new password is too short: use at least 8 characters.",
      [CODES.PASSWORD_TOO_LONG]: "The password is too long: use at most 128 characters.",
      [CODES.SESSION_EXPIRED]: SESSION_ENDED,
      [CODES.TOO_MANY_EMAILS]:
        "We've sent several emails to this address already. Please try again in an hour.",
      [CODES.FRESH_SIGN_IN_REQUIRED]:
        "For your security, this change needs a recent sign-in. Use “Sign in again” at the top of this page, then retry.",
    },
    unauthorized: SESSION_ENDED,
  },
};

function isKnownCode(code: string | undefined): code is AuthErrorCode {
  return code !== undefined && Object.hasOwn(CODES, code);
}

/**
 * A readable message for every way an auth request can fail; never a raw server string.
 * `fallback` names what could not be done (settings forms), for failures nothing more is known of.
 *
 * @example
 * authErrorMessage({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" }, "sign-in") // "Wrong email or password."
 */
export function authErrorMessage(
  error: AuthFailure | null | undefined,
  context: FailureContext,
  fallback?: string,
): string {
  const messages = MESSAGES[context];
  if (!error || error.status === undefined || error.status === 0) return messages.unreachable;
  const byCode = isKnownCode(error.code) ? messages.byCode[error.code] : undefined;
  if (byCode !== undefined) return byCode;
  if (error.status === 429) return messages.tooManyAttempts;
  if (error.status === 401 && messages.unauthorized !== undefined) return messages.unauthorized;
  if (error.status >= 500) return SERVER_FAULT;
  return fallback ?? messages.otherwise ?? SERVER_FAULT;
}
