import type { TandemDb } from "@tandem/db";
import { signInMethodChanged } from "@tandem/mail";
import { type AccountEmailContext, mailKit } from "../email/account-email.ts";
import { requestOrigin } from "../request-parts.ts";
import { recordSecurityEvent, type SecurityEventType } from "../security/events.ts";

/** The history events of decision 017, each with the sentence its security notice says. */
export const SIGN_IN_METHOD_CHANGES = {
  two_factor_enabled: "Two-factor authentication was turned on",
  two_factor_disabled: "Two-factor authentication was turned off",
  backup_code_used: "A backup code was used to sign in",
  backup_codes_regenerated: "New backup codes were generated",
  passkey_added: "A passkey was added",
  passkey_removed: "A passkey was removed",
  provider_linked: "A sign-in provider was linked",
  provider_unlinked: "A sign-in provider was unlinked",
  access_token_created: "An access token was created",
  access_token_first_used: "An access token was used for the first time",
  access_token_revoked: "An access token was revoked",
} as const satisfies Partial<Record<SecurityEventType, string>>;

export type SignInMethodChange = keyof typeof SIGN_IN_METHOD_CHANGES;

/** What a Better Auth endpoint context offers for telling where a request came from. */
type RequestContext = Parameters<typeof requestOrigin>[0];

export interface ChangedUser {
  id: string;
  name: string;
  email: string;
}

/**
 * Records a change to how an account signs in, in the security history and — with email on — as
 * a notice to the account's address. Never throws: the change itself has happened.
 */
export type RecordSignInMethodChange = (
  ctx: RequestContext | null,
  user: ChangedUser,
  type: SignInMethodChange,
  detail?: string | null,
) => Promise<void>;

export function signInMethodChanges(
  database: TandemDb,
  email: AccountEmailContext | null,
  log: (line: string) => void = (line) => console.error(line),
): RecordSignInMethodChange {
  const kit = email === null ? null : mailKit(email);
  return async (ctx, user, type, detail = null) => {
    const origin = ctx === null ? { ip: null, userAgent: null } : requestOrigin(ctx);
    try {
      await recordSecurityEvent(database.db, { userId: user.id, type, ...origin, detail });
    } catch (error) {
      log(`Could not record the security event ${type}: ${(error as Error).message}`);
    }
    if (kit === null) return;
    kit.send(
      user.id,
      user.email,
      signInMethodChanged({
        name: user.name,
        change: SIGN_IN_METHOD_CHANGES[type],
        detail,
        when: new Date(),
        settingsUrl: kit.links.settings,
        resetUrl: kit.links.forgot,
      }),
    );
  };
}
