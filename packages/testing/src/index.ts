export { createTestDatabase, describePostgres, postgresSkippedLine, testDialects } from "./database.ts";
export type { TestDatabase } from "./database.ts";
export { describeRedis, redisSkippedLine, testRedisUrl } from "./redis.ts";
export { SESSION_COOKIE, startAuthServer } from "./auth-server.ts";
export type { AuthServer, SignUpInput, StartAuthServerOptions, TestUser } from "./auth-server.ts";
export {
  base64url,
  createAttackerKeys,
  decodeToken,
  encodePart,
  importHmacKey,
  signingInput,
  signToken,
  tamperToken,
  unsignedToken,
} from "./tokens.ts";
export type { AttackerKeys, DecodedToken, TokenPart, TokenParts } from "./tokens.ts";
export { refusedUrl, startJwksServer } from "./jwks-server.ts";
export type { JwksBehaviour, JwksServer } from "./jwks-server.ts";
export { createSigningKey, jwksOf, nowSeconds, signWith } from "./signing-keys.ts";
export type { SigningKey } from "./signing-keys.ts";
export { recordingMailer } from "./mailer.ts";
export type { RecordingMailer } from "./mailer.ts";
export { seedAccessToken } from "./access-tokens.ts";
export type { SeedAccessTokenInput, SeededAccessToken } from "./access-tokens.ts";
