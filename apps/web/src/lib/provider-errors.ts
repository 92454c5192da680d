// What went wrong with a sign-in provider, in words: the `?error=` codes a provider callback
// comes back with (Better Auth's lower-case ones and Tandem's), and the `{ code }` answers of the
// link and unlink endpoints. Never the provider's own description: anyone can put text in a URL.
import { FEDERATION_ERROR_CODES as CODES } from "@tandem/auth/error-codes";
import { type AuthFailure, authErrorMessage } from "./auth-errors";

const RETRY_FLOW = [
  "state_mismatch",
  "state_not_found",
  "state_invalid",
  "state_generation_error",
  "invalid_callback_request",
  "no_code",
  "no_callback_url",
  "nonce_binding_missing",
];
const UNVERIFIED_ANSWER = ["issuer_mismatch", "issuer_missing", "invalid_code", "unable_to_get_user_info"];

/**
 * The sign-in page's message for a provider sign-in that came back with `code`; `name` is the
 * provider's when known. Null for no code.
 *
 * @example
 * signInErrorMessage("account_not_linked", "GitHub")
 * // "An account with this email already exists. Sign in your usual way, then link GitHub in Settings."
 */
export function signInErrorMessage(code: string | null | undefined, name: string | null): string | null {
  if (!code) return null;
  const provider = name ?? "the provider";
  if (code === "account_not_linked") {
    return `An account with this email already exists. Sign in your usual way, then link ${provider} in Settings.`;
  }
  if (code === "access_denied") return `Sign-in with ${provider} was cancelled. No account was created.`;
  if (code === CODES.PROVIDER_EMAIL_NOT_VERIFIED) {
    return `${provider} hasn't confirmed that this email address is yours, so no account was created. Verify it with ${provider}, then try again.`;
  }
  if (code === "email_not_found")
    return `${provider} didn't share an email address, which Tandem needs to sign you in.`;
  if (RETRY_FLOW.includes(code)) {
    return "That sign-in attempt expired or was started in another browser. Please try again.";
  }
  if (UNVERIFIED_ANSWER.includes(code)) {
    return `We couldn't verify ${provider}'s answer, so you weren't signed in. Please try again.`;
  }
  return `Sign-in with ${provider} didn't work. Please try again.`;
}

/** The settings page's message for a link that came back with `code`. */
export function linkErrorMessage(code: string | null | undefined, name: string): string | null {
  if (!code) return null;
  if (code === "unable_to_link_account") {
    return `${name} wasn't linked: it must confirm that your email address is verified. Verify it with ${name}, then try again.`;
  }
  if (code === "email_does_not_match") {
    return `${name} wasn't linked: that ${name} account uses another email address than your Tandem account.`;
  }
  if (code === "account_already_linked_to_different_user") {
    return `${name} wasn't linked: that ${name} account already signs in to another Tandem account.`;
  }
  if (code === "access_denied") return `Linking ${name} was cancelled.`;
  if (RETRY_FLOW.includes(code))
    return `Linking ${name} expired or was started in another browser. Please try again.`;
  if (UNVERIFIED_ANSWER.includes(code))
    return `We couldn't verify ${name}'s answer, so it wasn't linked. Please try again.`;
  return `${name} wasn't linked. Please try again.`;
}

/** Messages for failures of the requests that start a sign-in or a link, or unlink. */
export function providerRequestMessage(
  error: AuthFailure | null | undefined,
  name: string,
  action: "sign-in" | "link" | "unlink",
): string {
  switch (error?.code) {
    case CODES.LAST_SIGN_IN_METHOD:
      return `${name} is your only way to sign in. Add a passkey, or set a password with “Forgot password?” on the sign-in page, before unlinking it.`;
    case CODES.PROVIDER_ISSUER_MISMATCH:
      return `${name} is misconfigured on this server, so it can't be used right now. Please tell the administrator.`;
    case "PROVIDER_NOT_FOUND":
      return `We can't reach ${name} right now. Please try again in a moment.`;
    default:
      return action === "sign-in"
        ? authErrorMessage(error, "sign-in", `We couldn't start signing in with ${name}. Please try again.`)
        : authErrorMessage(error, "settings", `We couldn't ${action} ${name}. Please try again.`);
  }
}
