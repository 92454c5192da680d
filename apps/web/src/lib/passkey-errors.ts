import { type AuthFailure, authErrorMessage } from "./auth-errors";

/** What the passkey was being used for when it failed. */
export type PasskeyAction = "add" | "sign-in" | "remove";

// Codes the passkey client gives when the browser's WebAuthn step failed, before any answer was
// sent to the server: @simplewebauthn's `ERROR_*` codes, and the client's own catch-alls.
const CLIENT_SIDE = new Set(["AUTH_CANCELLED", "UNKNOWN_ERROR"]);
// The user closed the browser's passkey dialog, it timed out, or another ceremony replaced it.
// Browsers report all of these as NotAllowedError on purpose (passed through as is).
const CANCELLED = new Set([
  "ERROR_CEREMONY_ABORTED",
  "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY",
  "AUTH_CANCELLED",
]);

/** True when the failure happened in the browser (cancelled, unsupported), not on the server. */
export function failedInBrowser(error: AuthFailure | null | undefined): boolean {
  const code = error?.code;
  return code !== undefined && (code.startsWith("ERROR_") || CLIENT_SIDE.has(code));
}

function browserMessage(code: string | undefined, action: PasskeyAction): string {
  if (action === "add") {
    if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED")
      return "This device already has a passkey for your account.";
    if (code === "ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT")
      return "This security key can't store a passkey. Try another device or key.";
    if (code !== undefined && CANCELLED.has(code))
      return "No passkey was added: the request was cancelled or timed out.";
    return "Your browser or device couldn't create a passkey. Try again, or use another device.";
  }
  if (code !== undefined && CANCELLED.has(code))
    return "Passkey sign-in was cancelled or timed out. Try again, or use your email and password.";
  return "Your browser couldn't use a passkey here. Sign in with your email and password instead.";
}

/**
 * A readable message for a failed passkey action; never a raw server or browser string.
 *
 * @example
 * passkeyErrorMessage({ status: 401, code: "PASSKEY_NOT_FOUND" }, "sign-in")
 * // "This passkey isn't linked to a Tandem account any more. …"
 */
export function passkeyErrorMessage(error: AuthFailure | null | undefined, action: PasskeyAction): string {
  if (error && failedInBrowser(error)) return browserMessage(error.code, action);
  if (action === "sign-in") {
    if (error?.code === "PASSKEY_NOT_FOUND")
      return "This passkey isn't linked to a Tandem account any more. Sign in with your email and password.";
    if (error?.code === "AUTHENTICATION_FAILED" || error?.code === "CHALLENGE_NOT_FOUND")
      return "We couldn't verify your passkey. Please try again.";
    return authErrorMessage(error, "sign-in");
  }
  const fallback = action === "add" ? "We couldn't add the passkey." : "We couldn't remove the passkey.";
  return authErrorMessage(error, "settings", `${fallback} Please try again.`);
}
