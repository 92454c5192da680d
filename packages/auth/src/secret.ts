import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The auth secret encrypts the signing keys at rest and signs cookies: at least this long. */
export const MIN_SECRET_LENGTH = 32;

const HOW_TO_GENERATE = "generate one with: openssl rand -base64 32";

/**
 * The auth-secret rule, for every process that reads BETTER_AUTH_SECRET (the web app and the
 * commands that start it): `given` when long enough; none at all is an error in production and,
 * elsewhere, the secret kept in `devFile` (created on first use). Throws with a one-line message
 * naming BETTER_AUTH_SECRET.
 *
 * @example
 * const { secret, generated } = resolveAuthSecret({ given: env.BETTER_AUTH_SECRET, production, devFile });
 */
export function resolveAuthSecret(options: {
  given: string | undefined;
  production: boolean;
  devFile: string;
}): { secret: string; generated: boolean } {
  const { given, production, devFile } = options;
  if (given === undefined || given === "") {
    if (production) {
      throw new Error(
        `BETTER_AUTH_SECRET is required when NODE_ENV=production (at least ${MIN_SECRET_LENGTH} characters; ${HOW_TO_GENERATE})`,
      );
    }
    return { secret: loadOrCreateDevSecret(devFile), generated: true };
  }
  if (given.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `BETTER_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters (${HOW_TO_GENERATE})`,
    );
  }
  return { secret: given, generated: false };
}

/**
 * Outside production: the auth secret kept in a git-ignored file, created (random, 0600) on first
 * use, so restarts keep sessions and the signing keys it encrypts.
 */
export function loadOrCreateDevSecret(file: string): string {
  if (existsSync(file)) {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= MIN_SECRET_LENGTH) return existing;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
