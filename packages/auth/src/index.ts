export {
  authSchemaOptions,
  createAuth,
  createAuthOptions,
  DEFAULT_AUDIENCE,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  MIN_SECRET_LENGTH,
} from "./auth.ts";
export type { AuthConfig, TandemAuth, TandemTokenClaims } from "./auth.ts";
export { migrateDatabase } from "./migrate.ts";
export { loadOrCreateDevSecret } from "./dev-secret.ts";
