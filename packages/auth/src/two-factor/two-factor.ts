import type { TandemDb } from "@tandem/db";
import { twoFactor } from "better-auth/plugins";
import type { ResolvedLockout } from "../security/lockout.ts";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { TOTP } from "./codes.ts";
import { twoFactorRulesPlugin } from "./two-factor-rules.plugin.ts";

/** "Trust this device for 30 days" on the sign-in code step. */
export const TRUST_DEVICE_SECONDS = 30 * 24 * 60 * 60;
/** How long the code step waits after a right password before the password must be entered again. */
export const CODE_STEP_SECONDS = 10 * 60;
/** Backup codes issued at once; each works once. */
export const BACKUP_CODE_COUNT = 10;

export interface TandemTwoFactorOptions {
  database: TandemDb;
  /** The auth secret (keys the lockout rows). */
  secret: string;
  lockout: ResolvedLockout;
  changes: RecordSignInMethodChange;
}

/**
 * Two-factor sign-in with an authenticator app (TOTP) and one-time backup codes (decision 017):
 * Better Auth's twoFactor plugin, then Tandem's rules around it (two-factor-rules.plugin.ts).
 * Spread into the plugin list before the plugins that react to a completed sign-in.
 *
 * @example
 * plugins: [...tandemTwoFactor({ database, secret, lockout, changes }), …]
 */
export function tandemTwoFactor({ database, secret, lockout, changes }: TandemTwoFactorOptions) {
  return [
    twoFactor({
      issuer: "Tandem",
      totpOptions: TOTP,
      backupCodeOptions: { amount: BACKUP_CODE_COUNT, length: 10, storeBackupCodes: "encrypted" },
      trustDeviceMaxAge: TRUST_DEVICE_SECONDS,
      twoFactorCookieMaxAge: CODE_STEP_SECONDS,
      // Better Auth's own count of wrong codes per account, on the same thresholds as Tandem's
      // lockout (which also counts them, together with wrong passwords).
      accountLockout: { maxFailedAttempts: lockout.maxFailures, durationSeconds: lockout.lockSeconds },
    }),
    twoFactorRulesPlugin({ database, secret, lockout, changes }),
  ] as const;
}
