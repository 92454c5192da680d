import "server-only";
import { createAuth, type TandemAuth } from "@tandem/auth";
import { createDb, type TandemDb } from "@tandem/db";
import { createSmtpMailer } from "@tandem/mail";
import { env } from "../env";
import { webMetrics } from "./web-metrics";

let instance: TandemAuth | undefined;
let database: TandemDb | undefined;

/** The database Better Auth uses (one pool per process), for Tandem's own reads such as security history. */
export function getDatabase(): TandemDb {
  database ??= createDb(env().DATABASE_URL);
  return database;
}

/**
 * The Better Auth instance, created on first use rather than at import, so `next build` neither
 * opens the database nor needs the secret.
 */
export function getAuth(): TandemAuth {
  if (!instance) {
    const e = env();
    instance = createAuth({
      database: getDatabase(),
      baseURL: e.BETTER_AUTH_URL,
      secret: e.BETTER_AUTH_SECRET,
      audience: e.API_AUDIENCE,
      ...(e.AUTH_TOKEN_LIFETIME_SECONDS === undefined
        ? {}
        : { tokenLifetimeSeconds: e.AUTH_TOKEN_LIFETIME_SECONDS }),
      rateLimit: e.AUTH_RATE_LIMIT === "on",
      trustedIpHeaders: e.CLIENT_ADDRESS_HEADERS,
      keyRotation: { intervalSeconds: e.AUTH_KEY_ROTATION_SECONDS, graceSeconds: e.AUTH_KEY_GRACE_SECONDS },
      federation: e.FEDERATION,
      onAuthEvent: (event) => webMetrics().record(event),
      ...(e.EMAIL_SETTING.on
        ? {
            email: {
              mailer: createSmtpMailer({
                url: e.EMAIL_SETTING.smtpUrl,
                from: e.EMAIL_SETTING.from,
                timeoutMs: e.MAIL_TIMEOUT_MS,
              }),
              requireVerification: e.EMAIL_SETTING.requireVerification,
            },
          }
        : {}),
    });
  }
  return instance;
}

/** Whether this server sends email (reset, verification, notices): pages offer those flows only then. */
export function emailEnabled(): boolean {
  return env().EMAIL_SETTING.on;
}

/** Whether sign-in and API tokens wait for a verified address (AUTH_REQUIRE_EMAIL_VERIFICATION). */
export function emailVerificationRequired(): boolean {
  const setting = env().EMAIL_SETTING;
  return setting.on && setting.requireVerification;
}
