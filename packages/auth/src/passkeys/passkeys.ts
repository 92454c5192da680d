import { passkey } from "@better-auth/passkey";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";

/** Passkeys (WebAuthn), bound to the web app's public URL: its host is the relying party ID. */
export function tandemPasskey(baseURL: string, _changes: RecordSignInMethodChange) {
  const url = new URL(baseURL);
  return passkey({ rpID: url.hostname, rpName: "Tandem", origin: url.origin });
}
