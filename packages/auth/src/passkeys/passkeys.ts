import { passkey } from "@better-auth/passkey";
import type { BetterAuthPlugin } from "better-auth";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { passkeyHooks } from "./passkey-hooks.ts";

/**
 * The relying party of Tandem's passkeys: the web app's public URL. Its host is the RP ID (a
 * passkey works on that host only) and its origin the only one a ceremony may come from.
 *
 * @example
 * relyingParty("https://tandem.example.com") // { rpID: "tandem.example.com", origin: "https://tandem.example.com" }
 */
export function relyingParty(baseURL: string): { rpID: string; origin: string } {
  const url = new URL(baseURL);
  return { rpID: url.hostname, origin: url.origin };
}

/**
 * Passkeys (WebAuthn, decision 017) through Better Auth's passkey plugin, with Tandem's rules:
 * adding one needs a recent sign-in and a name; every addition and removal goes into the
 * security history (with a notice by email); each passkey remembers when it last signed in.
 */
export function tandemPasskey(baseURL: string, changes: RecordSignInMethodChange) {
  const base = passkey({
    ...relyingParty(baseURL),
    rpName: "Tandem",
    // "Sign in with a passkey" and autofill ask for no email first: only a credential the
    // authenticator can find by itself (a discoverable one) can answer them.
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  const fields = {
    ...base.schema.passkey.fields,
    // Added by Tandem's migration 0005 (Better Auth's own creates the table without it).
    lastUsedAt: { type: "date", required: false, input: false },
  } as const;
  return {
    ...base,
    schema: { passkey: { ...base.schema.passkey, fields } },
    hooks: passkeyHooks(changes),
  } satisfies BetterAuthPlugin;
}
