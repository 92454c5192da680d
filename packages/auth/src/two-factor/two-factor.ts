import { twoFactor } from "better-auth/plugins";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";

/** Two-factor sign-in with an authenticator app (TOTP) and one-time backup codes (decision 017). */
export function tandemTwoFactor(_changes: RecordSignInMethodChange) {
  return twoFactor({ issuer: "Tandem" });
}
