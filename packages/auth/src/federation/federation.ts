import type { BetterAuthOptions } from "better-auth";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { federationPlugin } from "./federation.plugin.ts";
import { type FederationConfig, openIdProviders, socialProviders } from "./providers.ts";

export type { FederatedProvider, FederationConfig, OAuthAppSettings, OidcSettings } from "./providers.ts";
export { configuredProviders, PROVIDER_IDS } from "./providers.ts";

/**
 * Better Auth routes that hand out the provider's tokens (or use them on the caller's behalf).
 * Tandem keeps none, and neither the browser nor the API may ever see one.
 */
export const PROVIDER_TOKEN_PATHS = ["/get-access-token", "/refresh-token", "/account-info"];

/**
 * Sign-in with OpenID Connect providers, Google and GitHub (decision 017): the plugins, the
 * social providers and the account options for Better Auth. Without configuration no provider is
 * offered, but the rules (no token routes, no ID-token sign-in, unlinking) hold all the same.
 *
 * @example
 * const federation = tandemFederation({ oidc: { issuer, clientId, clientSecret, name: "Acme" } }, changes, baseURL);
 * betterAuth({ plugins: [...federation.plugins], socialProviders: federation.socialProviders, account: federation.account });
 */
export function tandemFederation(
  config: FederationConfig | undefined,
  changes: RecordSignInMethodChange,
  baseURL: string,
) {
  const generic = openIdProviders(config);
  return {
    plugins: [
      ...(generic.length === 0 ? [] : [genericOAuth({ config: generic })]),
      // After genericOAuth: its hook retries a failed discovery before this plugin's checks read it.
      federationPlugin(config, changes),
    ],
    socialProviders: socialProviders(config),
    account: {
      accountLinking: {
        enabled: true,
        // A sign-in whose email belongs to an existing account does not join them: the user signs
        // in their usual way and links the provider from settings, where the provider must
        // assert the email as verified (no provider is trusted without it).
        disableImplicitLinking: true,
        trustedProviders: [],
        // Tandem's own rule (never the last way to sign in) replaces Better Auth's count of rows,
        // which knows nothing of passkeys.
        allowUnlinkingAll: true,
      },
      updateAccountOnSignIn: false,
      // Tokens are dropped before they are stored (federation.plugin.ts); should one ever be kept,
      // it is encrypted with the secret.
      encryptOAuthTokens: true,
    } satisfies BetterAuthOptions["account"],
    disabledPaths: PROVIDER_TOKEN_PATHS,
    // Where a provider callback that cannot even name its flow (a missing or tampered state) lands.
    errorURL: `${baseURL.replace(/\/+$/, "")}/sign-in`,
  };
}
