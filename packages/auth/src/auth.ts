import type { TandemDb } from "@tandem/db";
import { type BetterAuthOptions, betterAuth } from "better-auth";
import { getIP } from "better-auth/api";
import { passkey } from "@better-auth/passkey";
import { jwt, organization, twoFactor } from "better-auth/plugins";
import { accessTokensPlugin } from "./access-tokens/access-tokens.plugin.ts";
import { type AccountEmailContext, accountEmailOptions, type EmailConfig } from "./email/account-email.ts";
import { accountEmailPlugin } from "./email/account-email.plugin.ts";
import { emailChangeNotice } from "./email/notices.ts";
import { sessionTokensStayInCookies, TOKEN_REVOCATION_PATHS } from "./session-tokens.ts";
import { DEFAULT_KEY_GRACE_SECONDS, DEFAULT_KEY_ROTATION_SECONDS } from "./keys.ts";
import { MIN_SECRET_LENGTH } from "./secret.ts";
import { securityHooks } from "./security/hooks.ts";
import { type AuthEvent, authMetricsPlugin } from "./security/auth-metrics.plugin.ts";
import { signInRecordsPlugin } from "./security/sign-in-records.plugin.ts";
import { type LockoutConfig, resolveLockout } from "./security/lockout.ts";
import { teamEvents } from "./teams/team-events.ts";
import { type FederationConfig, tandemFederation } from "./federation/federation.ts";
import { tandemPasskey } from "./passkeys/passkeys.ts";
import { amrFor, formatAmr, parseAmr, type AmrValue } from "./sign-in-methods/amr.ts";
import { signInMethodChanges } from "./sign-in-methods/changes.ts";
import { freshSignInPlugin } from "./sign-in-methods/fresh-sign-in.ts";
import { tandemOrganization } from "./teams/teams.ts";
import { tandemTwoFactor } from "./two-factor/two-factor.ts";
import { releaseOwnedTeams, teamsPlugin } from "./teams/teams.plugin.ts";

export const DEFAULT_AUDIENCE = "tandem-api";
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 15 * 60;

export interface AuthConfig {
  database: TandemDb;
  /** The web app's public URL. Also the tokens' `iss`: backends verify it exactly. */
  baseURL: string;
  /** Encrypts the signing keys at rest and signs cookies; at least 32 characters. */
  secret: string;
  /** The tokens' `aud` (default `tandem-api`). */
  audience?: string;
  /** JWT lifetime in seconds (default 900 = 15 min). */
  tokenLifetimeSeconds?: number;
  /** Origins allowed to send cookie-bearing mutations, besides `baseURL`. */
  trustedOrigins?: string[];
  /**
   * Better Auth's rate limiter (default on, whatever NODE_ENV says): 3 sign-in/sign-up attempts
   * per 10 s per client address and endpoint, 100 per 10 s elsewhere. Counters live in the
   * database (`rateLimit` table), so limits hold across instances and restarts.
   */
  rateLimit?: boolean;
  /**
   * Request headers that hold the client's address and that something in front of Better Auth
   * sets, replacing any value the client sent (a trusted reverse proxy, or the web app's own server
   * from the socket), read in order; a header holding a list of addresses is ignored. Default none:
   * Better Auth would otherwise read `X-Forwarded-For`, which any client can forge to get a fresh
   * rate-limit bucket per request. With none, every client shares one bucket per endpoint.
   */
  trustedIpHeaders?: string[];
  /**
   * Per-account lockout: after `maxFailures` (10) failed password sign-ins for one email within
   * `windowSeconds` (900), that email's sign-in is refused for `lockSeconds` (900) with 429
   * `ACCOUNT_LOCKED`, whether or not the account exists.
   */
  lockout?: LockoutConfig;
  /** Told of each sign-in, refusal, lockout and sign-up, for metrics. */
  onAuthEvent?: (event: AuthEvent) => void;
  /**
   * Signing-key rotation: each new key signs for `intervalSeconds` (default 30 days; null = never,
   * as keys created before rotation was configured), then a fresh key takes over and the old one
   * stays in the JWKS for `graceSeconds` more (default 2 days), so the tokens it signed keep
   * verifying. `npm run auth:rotate-key` retires the current key at once.
   */
  keyRotation?: { intervalSeconds?: number | null; graceSeconds?: number };
  /**
   * Email for password reset, verification, confirmed email changes and security notices
   * (packages/auth/src/email). Absent: email is off (no reset, no verification, an email change
   * applies at once).
   */
  email?: EmailConfig;
  /** OpenID Connect providers, Google and GitHub, offered on the sign-in page (none by default). */
  federation?: FederationConfig | undefined;
  /**
   * Replaces Better Auth's password hashing (scrypt, N = 16384, r = 16). Only the in-process test
   * servers set it (decision 027): the web app never does, so production keeps Better Auth's own.
   */
  passwordHasher?: PasswordHasher;
}

/** How passwords are hashed and checked (Better Auth's `emailAndPassword.password`). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(input: { hash: string; password: string }): Promise<boolean>;
}

function usesHttps(baseURL: string): boolean {
  return new URL(baseURL).protocol === "https:";
}

/** The claims Tandem's access tokens carry besides the registered ones (iss, aud, sub, iat, exp). */
export interface TandemTokenClaims {
  /** The session's id — never its secret token — so a backend can check revocation. */
  sid: string;
  name: string;
  /** How the user signed in: RFC 8176 method references (`pwd`, `otp`, `hwk`, `swk`, `fed`, `mfa`). */
  amr: AmrValue[];
  /** When the user signed in (seconds since the epoch): the session's creation, not its last refresh. */
  auth_time: number;
}

/** Plugins and features that shape the schema; shared by the runtime and the migrations. */
function schemaOptions(database: TandemDb) {
  return {
    database: { db: database.db, type: database.dialect },
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    // Database storage adds the `rateLimit` table, so the migrations must see it too.
    rateLimit: { storage: "database" },
    // How the session was signed in (RFC 8176 values, space-separated); set when it is created.
    session: { additionalFields: { amr: { type: "string", required: false, input: false } } },
  } satisfies BetterAuthOptions;
}

function tandemJwt(config: AuthConfig) {
  const interval = config.keyRotation?.intervalSeconds;
  return jwt({
    jwks: {
      keyPairConfig: { alg: "EdDSA", crv: "Ed25519" },
      ...(interval === null ? {} : { rotationInterval: interval ?? DEFAULT_KEY_ROTATION_SECONDS }),
      gracePeriod: config.keyRotation?.graceSeconds ?? DEFAULT_KEY_GRACE_SECONDS,
    },
    jwt: {
      issuer: config.baseURL,
      audience: config.audience ?? DEFAULT_AUDIENCE,
      expirationTime: `${config.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS}s`,
      // Minimal claims: the default payload is the whole user record (email, timestamps…).
      definePayload: ({ user, session }): TandemTokenClaims => ({
        sid: session.id,
        name: user.name,
        amr: parseAmr((session as { amr?: unknown }).amr),
        auth_time: Math.floor(new Date(session.createdAt).getTime() / 1000),
      }),
    },
  });
}

/** The full Better Auth options for Tandem, built from explicit configuration only. */
export function createAuthOptions(config: AuthConfig) {
  if (config.secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The auth secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const ipAddressHeaders = (config.trustedIpHeaders ?? []).map((h) => h.toLowerCase());
  const emailContext: AccountEmailContext | null =
    config.email === undefined
      ? null
      : {
          database: config.database,
          baseURL: config.baseURL,
          email: config.email,
          clientAddress: (headers) => getIP(headers, { advanced: { ipAddress: { ipAddressHeaders } } }),
        };
  const emailOptions = accountEmailOptions(emailContext);
  const events = teamEvents(config.database, (line) => console.error(line));
  // History entries and notices for changes to how the account signs in (decision 017).
  const changes = signInMethodChanges(config.database, emailContext);
  const federation = tandemFederation(config.federation, changes, config.baseURL);
  const security = securityHooks({
    database: config.database,
    secret: config.secret,
    lockout: resolveLockout(config.lockout),
    onEmailChanged: emailContext === null ? undefined : emailChangeNotice(emailContext),
    onLockout: config.onAuthEvent === undefined ? undefined : () => config.onAuthEvent?.("lockout"),
  });
  return {
    ...schemaOptions(config.database),
    ...emailOptions,
    emailAndPassword: {
      ...emailOptions.emailAndPassword,
      ...(config.passwordHasher === undefined ? {} : { password: config.passwordHasher }),
    },
    appName: "Tandem",
    baseURL: config.baseURL,
    secret: config.secret,
    trustedOrigins: [config.baseURL, ...(config.trustedOrigins ?? [])],
    plugins: [
      tandemJwt(config),
      sessionTokensStayInCookies(),
      // Teams (decision 016): Better Auth's organizations, with Tandem's roles and rules.
      tandemOrganization({ email: emailContext, events }),
      teamsPlugin({ database: config.database, events }),
      // Stronger sign-in (decision 017). Two-factor comes before the plugins whose after-hooks
      // react to a completed sign-in: it turns a right password into a pending second step.
      ...tandemTwoFactor({
        database: config.database,
        secret: config.secret,
        lockout: resolveLockout(config.lockout),
        changes,
      }),
      tandemPasskey(config.baseURL, changes),
      ...federation.plugins,
      ...(emailContext === null ? [] : [accountEmailPlugin({ ...emailContext, secret: config.secret })]),
      signInRecordsPlugin({ database: config.database, secret: config.secret }),
      accessTokensPlugin({ database: config.database, changes }),
      ...(config.onAuthEvent === undefined ? [] : [authMetricsPlugin(config.onAuthEvent)]),
      freshSignInPlugin(),
    ],
    socialProviders: federation.socialProviders,
    account: federation.account,
    onAPIError: { errorURL: federation.errorURL },
    disabledPaths: [...TOKEN_REVOCATION_PATHS, ...federation.disabledPaths],
    // Account lockout and the security history (packages/auth/src/security).
    hooks: security.hooks,
    databaseHooks: {
      ...security.databaseHooks,
      session: {
        create: {
          // Records how this session was signed in, for the tokens' `amr` and for step-up.
          before: async (session, ctx) => {
            const amr = await amrFor(ctx, async (credentialID) => {
              const found = await ctx?.context.adapter.findOne<{ backedUp: boolean }>({
                model: "passkey",
                where: [{ field: "credentialID", value: credentialID }],
              });
              return found == null ? null : Boolean(found.backedUp);
            });
            return { data: { ...session, amr: amr === null ? null : formatAmr(amr) } };
          },
        },
      },
    },
    user: {
      // Reached only through the web app's server action, which checks the current password first
      // (the web app's route handler refuses `/change-email` from browsers). With email on, the
      // change waits for the link sent to the new address; with email off it applies at once.
      ...emailOptions.user,
      deleteUser: {
        enabled: true,
        // A team owned alone goes with the account; one shared with others must be handed over first.
        beforeDelete: async (user) => releaseOwnedTeams(config.database, user.id),
      },
    },
    // Secure (and `__Secure-`-prefixed) cookies whenever the public URL is https, whatever NODE_ENV
    // says; on plain-http localhost they would never be sent back.
    advanced: {
      useSecureCookies: usesHttps(config.baseURL),
      // An empty list is kept as is (Better Auth falls back to `x-forwarded-for` only when the
      // option is unset); headers are lower-cased as the Fetch API's Headers compares them anyway.
      ipAddress: { ipAddressHeaders },
    },
    // Better Auth's own default is on in production only; Tandem wants it everywhere.
    rateLimit: {
      storage: "database",
      enabled: config.rateLimit ?? true,
      // The public key set is what every API instance fetches, usually without a client-address
      // header, so all of them would share one bucket; a spray of unknown `kid`s could then starve
      // the APIs of keys. It is public and cheap (one small read), so it is not limited.
      customRules: {
        "/jwks": false,
        // Mail on request: a few per client address (each address also has its own allowance,
        // packages/auth/src/email/send-limits.ts).
        "/request-password-reset": { window: 60, max: 5 },
        "/send-verification-email": { window: 60, max: 5 },
        "/reset-password": { window: 60, max: 10 },
        // Each creation sends a security notice; no script needs to make tokens faster than this.
        "/access-tokens/create": { window: 60, max: 10 },
      },
    },
  } satisfies BetterAuthOptions;
}

/**
 * Tandem's Better Auth instance: email/password sign-in, and short-lived EdDSA JWTs for the API
 * (`GET /api/auth/token`, keys at `GET /api/auth/jwks`).
 *
 * @example
 * const auth = createAuth({ database: createDb(url), baseURL: "http://localhost:3000", secret });
 * export const { GET, POST } = toNextJsHandler(auth);
 */
export function createAuth(config: AuthConfig) {
  return betterAuth(createAuthOptions(config));
}

export type TandemAuth = ReturnType<typeof createAuth>;

/** The options that determine Better Auth's tables, for `getMigrations`. */
export function authSchemaOptions(database: TandemDb) {
  return {
    ...schemaOptions(database),
    // The organization plugin's tables (organization, member, invitation) and the session's
    // active-organization column; two-factor's table and the user's flag; passkeys. Options and
    // hooks do not change the schema.
    plugins: [jwt(), organization(), twoFactor(), passkey()],
  } satisfies BetterAuthOptions;
}
