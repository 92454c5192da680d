export {
  authSchemaOptions,
  createAuth,
  createAuthOptions,
  DEFAULT_AUDIENCE,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
} from "./auth.ts";
export type { AuthConfig, PasswordHasher, TandemAuth, TandemTokenClaims } from "./auth.ts";
export type { EmailConfig } from "./email/account-email.ts";
export { awaitingMail } from "./email/mail-waits.ts";
export { RESET_LINK_SECONDS, VERIFY_LINK_SECONDS } from "./email/account-email.ts";
export { migrateDatabase } from "./migrate.ts";
export {
  DEFAULT_KEY_GRACE_SECONDS,
  DEFAULT_KEY_ROTATION_SECONDS,
  listSigningKeys,
  retireSigningKeys,
} from "./keys.ts";
export type { RetireOptions, SigningKeyInfo, SigningKeyState } from "./keys.ts";
export { loadOrCreateDevSecret, MIN_SECRET_LENGTH, resolveAuthSecret } from "./secret.ts";
export { listSecurityEvents } from "./security/events.ts";
export type { SecurityEvent, SecurityEventType } from "./security/events.ts";
export type { LockoutConfig } from "./security/lockout.ts";
export type { AuthEvent } from "./security/auth-metrics.plugin.ts";
export { ACCOUNT_LOCKED_CODE, PASSWORD_CHECKS_LOCKED_CODE } from "./security/hooks.ts";
export { AUTH_ERROR_CODES } from "./error-codes.ts";
export { FRESH_SIGN_IN_SECONDS, isFresh } from "./sign-in-methods/fresh-sign-in.ts";
export { AMR_VALUES, parseAmr } from "./sign-in-methods/amr.ts";
export { PASSKEY_NAME_MAX } from "./passkeys/passkey-name.ts";
export type { AmrValue } from "./sign-in-methods/amr.ts";
export type { AuthErrorCode } from "./error-codes.ts";
export { configuredProviders, PROVIDER_IDS } from "./federation/federation.ts";
export type {
  FederatedProvider,
  FederationConfig,
  OAuthAppSettings,
  OidcSettings,
} from "./federation/federation.ts";
