import { twoFactor } from "better-auth/plugins";

/** Two-factor sign-in with an authenticator app (TOTP) and one-time backup codes (decision 017). */
export function tandemTwoFactor() {
  return twoFactor({ issuer: "Tandem" });
}
