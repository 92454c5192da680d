import "server-only";
import { createAuth, type TandemAuth } from "@tandem/auth";
import { createDb, type TandemDb } from "@tandem/db";
import { env } from "../env";

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
    });
  }
  return instance;
}
