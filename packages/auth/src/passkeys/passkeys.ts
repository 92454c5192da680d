import { passkey } from "@better-auth/passkey";

/** Passkeys (WebAuthn), bound to the web app's public URL: its host is the relying party ID. */
export function tandemPasskey(baseURL: string) {
  const url = new URL(baseURL);
  return passkey({ rpID: url.hostname, rpName: "Tandem", origin: url.origin });
}
