import { passkeyClient } from "@better-auth/passkey/client";
import { createAuthClient } from "better-auth/react";

/**
 * Better Auth's client with the passkey actions, for the pages that use passkeys only (the
 * sign-in page and the settings' Passkeys section): the app-wide client stays without plugins,
 * so the WebAuthn code reaches no other page's bundle.
 */
export const passkeyAuthClient = createAuthClient({ plugins: [passkeyClient()] });
