import type { GenericEndpointContext } from "better-auth";

/**
 * RFC 8176 authentication method references, as Tandem uses them (decision 017):
 * - `pwd`: a password;
 * - `otp`: a one-time code (authenticator app or backup code);
 * - `hwk` / `swk`: a passkey held by a device (hardware-secured) or synced between devices
 *   (software-secured, as the authenticator reports it);
 * - `fed`: an OpenID Connect provider;
 * - `mfa`: two factors were used.
 */
export const AMR_VALUES = ["pwd", "otp", "hwk", "swk", "fed", "mfa"] as const;
export type AmrValue = (typeof AMR_VALUES)[number];

const PASSWORD: AmrValue[] = ["pwd"];
const PASSWORD_AND_CODE: AmrValue[] = ["pwd", "otp", "mfa"];
const FEDERATED: AmrValue[] = ["fed"];

/** The endpoints that create a session after checking a password alone. */
const PASSWORD_PATHS = new Set(["/sign-in/email", "/sign-up/email"]);
/** The second step of a two-factor sign-in (the password was checked by the first). */
const SECOND_FACTOR_PATHS = new Set(["/two-factor/verify-totp", "/two-factor/verify-backup-code"]);
export const PASSKEY_SIGN_IN_PATH = "/passkey/verify-authentication";

function isFederated(path: string): boolean {
  return path.startsWith("/callback/") || path.startsWith("/oauth2/callback/");
}

/** How a session created by this endpoint was signed in; `null` when no method is known. */
export async function amrFor(
  ctx: GenericEndpointContext | null,
  passkeyBackedUp: (credentialId: string) => Promise<boolean | null>,
): Promise<AmrValue[] | null> {
  const path = ctx?.path;
  if (path === undefined) return null;
  if (PASSWORD_PATHS.has(path)) return PASSWORD;
  if (SECOND_FACTOR_PATHS.has(path)) return PASSWORD_AND_CODE;
  if (isFederated(path)) return FEDERATED;
  if (path === PASSKEY_SIGN_IN_PATH) {
    const response: unknown = ctx?.body?.response;
    const id =
      typeof response === "object" && response !== null && "id" in response && typeof response.id === "string"
        ? response.id
        : null;
    const backedUp = id === null ? null : await passkeyBackedUp(id);
    return [backedUp === false ? "hwk" : "swk"];
  }
  return null;
}

/** The session column's form: space-separated, in a fixed order. */
export function formatAmr(values: readonly AmrValue[]): string {
  return AMR_VALUES.filter((value) => values.includes(value)).join(" ");
}

export function parseAmr(stored: unknown): AmrValue[] {
  if (typeof stored !== "string") return [];
  const words = new Set(stored.split(" "));
  return AMR_VALUES.filter((value) => words.has(value));
}
