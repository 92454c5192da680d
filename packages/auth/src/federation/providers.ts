import type { GenericOAuthConfig, GenericOAuthUserInfo } from "better-auth/plugins";

/** Any OpenID Connect provider, found by discovery at `<issuer>/.well-known/openid-configuration`. */
export interface OidcSettings {
  /** The provider's issuer identifier, exactly as its discovery document and ID tokens state it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the button: "Continue with <name>". */
  name: string;
}

/** An OAuth app registered with GitHub or Google. */
export interface OAuthAppSettings {
  clientId: string;
  clientSecret: string;
}

/**
 * Sign-in with other identity providers (decision 017). Each provider present is offered on the
 * sign-in page and in settings; none present means no button and no provider route.
 */
export interface FederationConfig {
  oidc?: OidcSettings | undefined;
  github?: OAuthAppSettings | undefined;
  google?: OAuthAppSettings | undefined;
}

/** What the web app may know about a configured provider: its id and its name, never its secrets. */
export interface FederatedProvider {
  id: string;
  name: string;
}

/**
 * Provider ids, which are also the last segment of each provider's callback URL:
 * `<BETTER_AUTH_URL>/api/auth/callback/<id>`.
 */
export const PROVIDER_IDS = { oidc: "oidc", github: "github", google: "google" } as const;

const GOOGLE_ISSUER = "https://accounts.google.com";

/** The issuer without a trailing slash: how Tandem compares issuers it is given with discovered ones. */
export function normalizeIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, "");
}

/** The configured providers, in the order the sign-in page shows them. */
export function configuredProviders(config: FederationConfig | undefined): FederatedProvider[] {
  const list: FederatedProvider[] = [];
  if (config?.oidc) list.push({ id: PROVIDER_IDS.oidc, name: config.oidc.name });
  if (config?.google) list.push({ id: PROVIDER_IDS.google, name: "Google" });
  if (config?.github) list.push({ id: PROVIDER_IDS.github, name: "GitHub" });
  return list;
}

/** A provider's display name; an id no longer configured (a link made before) names itself. */
export function providerName(config: FederationConfig | undefined, id: string): string {
  return configuredProviders(config).find((provider) => provider.id === id)?.name ?? id;
}

/** The issuer each OpenID Connect provider must announce in discovery (and hence sign its ID tokens with). */
export function expectedIssuers(config: FederationConfig | undefined): Map<string, string> {
  const issuers = new Map<string, string>();
  if (config?.oidc) issuers.set(PROVIDER_IDS.oidc, normalizeIssuer(config.oidc.issuer));
  if (config?.google) issuers.set(PROVIDER_IDS.google, GOOGLE_ISSUER);
  return issuers;
}

function stringClaim(profile: GenericOAuthUserInfo, key: string): string | undefined {
  const value = profile[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** A display name for a new account: the provider's, else its user name, else the email's local part. */
function profileName(profile: GenericOAuthUserInfo): { name: string } {
  const email = stringClaim(profile, "email");
  return {
    name:
      stringClaim(profile, "name") ??
      stringClaim(profile, "preferred_username") ??
      (email === undefined ? "" : (email.split("@")[0] ?? "")),
  };
}

/**
 * One OpenID Connect provider through Better Auth's generic OAuth plugin. Discovery gives the
 * endpoints, the issuer and the key set; the plugin then sends PKCE (S256), state and a nonce, and
 * verifies the ID token's signature, issuer, audience, expiry and nonce. `requireIdTokenVerification`
 * refuses to fall back to unverified ID tokens when discovery names no key set.
 */
function openIdProvider(
  id: string,
  name: string,
  issuer: string,
  client: OAuthAppSettings,
): GenericOAuthConfig {
  return {
    providerId: id,
    name,
    discoveryUrl: `${normalizeIssuer(issuer)}/.well-known/openid-configuration`,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes: ["openid", "email", "profile"],
    // HTTP Basic: the client authentication every OAuth server must support (RFC 6749, 2.3.1).
    authentication: "basic",
    pkce: true,
    requireIdTokenVerification: true,
    // Signing out of Tandem ends Tandem's session only (Tandem keeps no ID token to hint with).
    disableProviderLogout: true,
    mapProfileToUser: profileName,
  };
}

/**
 * The generic OpenID Connect providers: the one from OIDC_*, and Google, which is one too. Google
 * goes through discovery like any other rather than Better Auth's Google preset, which sends no
 * nonce and only decodes the ID token.
 */
export function openIdProviders(config: FederationConfig | undefined): GenericOAuthConfig[] {
  const list: GenericOAuthConfig[] = [];
  if (config?.oidc) {
    list.push(openIdProvider(PROVIDER_IDS.oidc, config.oidc.name, config.oidc.issuer, config.oidc));
  }
  if (config?.google) list.push(openIdProvider(PROVIDER_IDS.google, "Google", GOOGLE_ISSUER, config.google));
  return list;
}

/**
 * Better Auth's own presets. GitHub is OAuth 2.0 without OpenID Connect: the preset reads the
 * profile and the primary email's verified flag from GitHub's API (PKCE and state still apply).
 */
export function socialProviders(config: FederationConfig | undefined) {
  return config?.github
    ? {
        github: {
          clientId: config.github.clientId,
          clientSecret: config.github.clientSecret,
          disableIdTokenSignIn: true,
        },
      }
    : {};
}
