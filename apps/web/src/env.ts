import "server-only";
import { dirname, join } from "node:path";
import {
  DEFAULT_KEY_GRACE_SECONDS,
  DEFAULT_KEY_ROTATION_SECONDS,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  resolveAuthSecret,
} from "@tandem/auth";
import { DEFAULT_SQLITE_PATH } from "@tandem/db";
import * as z from "zod";
import { clientAddressHeaders, parseTrustProxy, SOCKET_STAMP_ENV } from "./lib/client-address";
import { EmailConfigError, type EmailSetting, resolveEmailSetting } from "./lib/email-setting";
import { FederationConfigError, resolveFederation } from "./lib/federation-setting.server";
import type { FederationConfig } from "@tandem/auth";

/** TRUST_PROXY: see parseTrustProxy. */
const TrustProxySchema = z
  .string()
  .optional()
  .refine((raw) => parseTrustProxy(raw) !== null, {
    message:
      "TRUST_PROXY must be off or the header name(s) your proxy sets to the client address, e.g. x-real-ip or x-forwarded-for",
  })
  .transform((raw) => parseTrustProxy(raw) ?? []);

const wholeSeconds = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number of seconds`)
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .prefault(String(fallback));

const YEAR = 365 * 24 * 3600;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** The web app's public URL: Better Auth's baseURL and the tokens' issuer. */
  BETTER_AUTH_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  BETTER_AUTH_SECRET: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  API_AUDIENCE: z.string().min(1).default("tandem-api"),
  AUTH_TOKEN_LIFETIME_SECONDS: z
    .string()
    .regex(/^\d+$/, "AUTH_TOKEN_LIFETIME_SECONDS must be a whole number of seconds")
    .transform(Number)
    .pipe(
      z
        .number()
        .min(5)
        .max(24 * 3600),
    )
    .optional(),
  /** How long a signing key signs before a fresh one takes over (`off`: never rotate). */
  AUTH_KEY_ROTATION_SECONDS: z
    .string()
    .regex(/^(off|\d+)$/, "AUTH_KEY_ROTATION_SECONDS must be a whole number of seconds or off")
    .transform((value) => (value === "off" ? null : Number(value)))
    .refine(
      (value) => value === null || (value >= 60 && value <= 10 * YEAR),
      "AUTH_KEY_ROTATION_SECONDS must be between 60 and 315360000 seconds, or off",
    )
    .prefault(String(DEFAULT_KEY_ROTATION_SECONDS)),
  /** How long a retired key stays in the JWKS, so the tokens it signed keep verifying. */
  AUTH_KEY_GRACE_SECONDS: wholeSeconds("AUTH_KEY_GRACE_SECONDS", DEFAULT_KEY_GRACE_SECONDS, 1, YEAR),
  /** Better Auth's limiter, on in every environment unless turned off explicitly. */
  AUTH_RATE_LIMIT: z.enum(["on", "off"]).default("on"),
  TRUST_PROXY: TrustProxySchema,
  /** Internal: set by apps/web/server.ts, which stamps the client address from the socket. */
  [SOCKET_STAMP_ENV]: z.literal("1").optional(),
  NEXT_PUBLIC_API_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:8000"),
  /** Where the server reaches the API (server-side rendering); defaults to NEXT_PUBLIC_API_URL. */
  API_INTERNAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Email for reset, verification and notices: see lib/email-setting.ts and docs/email.md. */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  /** `off` runs without email: no password reset, no verification, email changes apply at once. */
  EMAIL: z.enum(["on", "off"]).default("on"),
  AUTH_REQUIRE_EMAIL_VERIFICATION: z.enum(["true", "false"]).default("false"),
  /**
   * Sign-in providers (lib/federation-setting.server.ts, docs/configuration.md): each group all or none.
   * OpenID Connect: the issuer URL, the client registered there, and the button's name.
   */
  OIDC_ISSUER: z.string().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().optional(),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  /** How long one email may take to hand to the SMTP server (ms). */
  MAIL_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, "MAIL_TIMEOUT_MS must be a whole number of milliseconds")
    .transform(Number)
    .pipe(z.number().min(100).max(120_000))
    .prefault("10000"),
});

export type WebEnv = z.output<typeof EnvSchema> & {
  BETTER_AUTH_SECRET: string;
  API_INTERNAL_URL: string;
  /** Where Better Auth reads the client's address (see clientAddressHeaders). */
  CLIENT_ADDRESS_HEADERS: string[];
  EMAIL_SETTING: EmailSetting;
  /** The sign-in providers offered besides passwords and passkeys (none by default). */
  FEDERATION: FederationConfig;
};

function invalid(line: string): Error {
  return new Error(`Tandem web: invalid configuration\n  - ${line}`);
}

function emailSetting(env: z.output<typeof EnvSchema>): EmailSetting {
  try {
    return resolveEmailSetting(env);
  } catch (error) {
    if (error instanceof EmailConfigError) throw invalid(error.message);
    throw error;
  }
}

function federation(env: z.output<typeof EnvSchema>): FederationConfig {
  try {
    return resolveFederation(env);
  } catch (error) {
    if (error instanceof FederationConfigError) throw invalid(error.message);
    throw error;
  }
}

/** Where the generated development secret is kept: beside the default SQLite file, git-ignored. */
export const DEV_SECRET_FILE = join(dirname(DEFAULT_SQLITE_PATH), "auth-secret");

function load(): WebEnv {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Tandem web: invalid configuration\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const lifetime = env.AUTH_TOKEN_LIFETIME_SECONDS ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (env.AUTH_KEY_GRACE_SECONDS < lifetime) {
    // Tokens signed just before a rotation would be refused before they expire.
    throw invalid(
      `AUTH_KEY_GRACE_SECONDS (${env.AUTH_KEY_GRACE_SECONDS}) must be at least ` +
        `the token lifetime (AUTH_TOKEN_LIFETIME_SECONDS, ${lifetime})`,
    );
  }
  let secret: string;
  try {
    ({ secret } = resolveAuthSecret({
      given: env.BETTER_AUTH_SECRET,
      production: env.NODE_ENV === "production",
      devFile: DEV_SECRET_FILE,
    }));
  } catch (error) {
    throw new Error(`Tandem web: ${(error as Error).message}`, { cause: error });
  }
  return {
    ...env,
    BETTER_AUTH_SECRET: secret,
    API_INTERNAL_URL: env.API_INTERNAL_URL ?? env.NEXT_PUBLIC_API_URL,
    CLIENT_ADDRESS_HEADERS: clientAddressHeaders(env.TRUST_PROXY, env[SOCKET_STAMP_ENV] === "1"),
    EMAIL_SETTING: emailSetting(env),
    FEDERATION: federation(env),
  };
}

let cached: WebEnv | undefined;

/** The web app's validated configuration (read once, on first use). */
export function env(): WebEnv {
  cached ??= load();
  return cached;
}

/** At server start: print the configuration problem (no stack trace) and exit if there is one. */
export function checkConfigurationOrExit(): void {
  try {
    const setting = env().EMAIL_SETTING;
    if (!setting.on)
      console.warn(`Tandem web: email is off (${setting.reason}): no password reset, no verification`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
