import type { Account, BetterAuthPlugin, GenericEndpointContext, User } from "better-auth";
import { APIError, createAuthMiddleware, getOAuthState, getSessionFromCtx } from "better-auth/api";
import { FEDERATION_ERROR_CODES } from "../error-codes.ts";
import { bodyString } from "../request-parts.ts";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { freshSignInRequired, isFresh } from "../sign-in-methods/fresh-sign-in.ts";
import { type FederationConfig, expectedIssuers, normalizeIssuer, providerName } from "./providers.ts";
import {
  keepsASignInMethodWithoutOneProvider,
  PASSWORD_PROVIDER_ID,
  signInMethodsOf,
} from "./sign-in-methods-left.ts";

const START_PATHS = new Set(["/sign-in/social", "/link-social"]);
const UNLINK_PATH = "/unlink-account";
const LINK_PATH = "/link-social";

/** The provider's tokens are never kept: Tandem calls no provider API on the user's behalf. */
const TOKEN_FIELDS = {
  accessToken: null,
  refreshToken: null,
  idToken: null,
  accessTokenExpiresAt: null,
  refreshTokenExpiresAt: null,
} as const;

function isProviderCallback(ctx: GenericEndpointContext | null): boolean {
  return ctx?.path?.startsWith("/callback/") === true;
}

function refusal(
  status: "BAD_REQUEST" | "BAD_GATEWAY",
  code: keyof typeof FEDERATION_ERROR_CODES,
  message: string,
) {
  return new APIError(status, { code: FEDERATION_ERROR_CODES[code], message });
}

/**
 * Tandem's rules around Better Auth's provider sign-in (decision 017):
 * - only the redirect flow signs in or links: an ID token posted by the client is refused;
 * - a provider whose discovery names another issuer than the configured one is refused;
 * - a first sign-in creates an account only for an email the provider asserts as verified;
 * - the provider's tokens are not stored;
 * - linking and unlinking need a recent sign-in; unlinking never removes the last way to sign in,
 *   nor the password;
 * - links and unlinks go into the security history, with a notice.
 */
export function federationPlugin(config: FederationConfig | undefined, changes: RecordSignInMethodChange) {
  const issuers = expectedIssuers(config);
  const nameOf = (providerId: string) => providerName(config, providerId);

  async function record(
    ctx: GenericEndpointContext | null,
    account: Account,
    type: "provider_linked" | "provider_unlinked",
  ): Promise<void> {
    const user = await ctx?.context.internalAdapter.findUserById(account.userId);
    if (user == null) return; // the account went with its user
    await changes(ctx, user, type, nameOf(account.providerId));
  }

  return {
    id: "tandem-federation",
    init: () => ({
      options: {
        databaseHooks: {
          user: {
            create: {
              before: async (user: User, ctx: GenericEndpointContext | null) => {
                if (!isProviderCallback(ctx) || user.emailVerified) return;
                // An unverified address would let whoever holds that provider account claim an
                // email before its owner signs up (account pre-hijacking).
                throw refusal(
                  "BAD_REQUEST",
                  "PROVIDER_EMAIL_NOT_VERIFIED",
                  "The provider did not confirm that this email address is yours.",
                );
              },
            },
          },
          account: {
            create: {
              before: async (account: Account) =>
                account.providerId === PASSWORD_PROVIDER_ID
                  ? undefined
                  : { data: { ...account, ...TOKEN_FIELDS } },
              after: async (account: Account | null, ctx: GenericEndpointContext | null) => {
                if (account === null || !isProviderCallback(ctx)) return;
                // A first sign-in creates its account too; only a callback that links says so.
                const state = await getOAuthState();
                if (state?.link === undefined) return;
                await record(ctx, account, "provider_linked");
              },
            },
            update: {
              before: async (data: Partial<Account>) => {
                const carriesTokens = Object.keys(TOKEN_FIELDS).some((key) => key in data);
                return carriesTokens ? { data: { ...data, ...TOKEN_FIELDS } } : undefined;
              },
            },
            delete: {
              after: async (account: Account, ctx: GenericEndpointContext | null) => {
                if (ctx?.path !== UNLINK_PATH) return;
                await record(ctx, account, "provider_unlinked");
              },
            },
          },
        },
      },
    }),
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path !== undefined && START_PATHS.has(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            if (typeof ctx.body === "object" && ctx.body !== null && "idToken" in ctx.body) {
              throw refusal(
                "BAD_REQUEST",
                "ID_TOKEN_SIGN_IN_DISABLED",
                "Sign in with a provider through its sign-in page.",
              );
            }
            const providerId = bodyString(ctx.body, "provider");
            const expected = providerId === undefined ? undefined : issuers.get(providerId);
            if (providerId !== undefined && expected !== undefined) {
              const provider = ctx.context.socialProviders.find((p) => p.id === providerId);
              // Absent: discovery has not succeeded yet; the endpoint answers PROVIDER_NOT_FOUND.
              const discovered = provider?.issuer;
              if (discovered !== undefined && normalizeIssuer(discovered) !== expected) {
                ctx.context.logger.error(
                  `Provider "${providerId}" announces issuer ${discovered}, not the configured ${expected}`,
                );
                throw refusal(
                  "BAD_GATEWAY",
                  "PROVIDER_ISSUER_MISMATCH",
                  `${nameOf(providerId)} is misconfigured: it does not identify itself as the configured issuer.`,
                );
              }
            }
            if (ctx.path === LINK_PATH) {
              const session = await getSessionFromCtx(ctx);
              // A link adds a lasting way into the account: not from a stolen or forgotten session.
              if (session !== null && !isFresh(session.session.createdAt)) throw freshSignInRequired();
            }
          }),
        },
        {
          matcher: (ctx) => ctx.path === UNLINK_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const session = await getSessionFromCtx(ctx);
            if (session === null) return; // the endpoint answers 401
            if (!isFresh(session.session.createdAt)) throw freshSignInRequired();
            const accountId = bodyString(ctx.body, "accountId");
            const accounts = await ctx.context.internalAdapter.findAccounts(session.user.id);
            const target = accounts.find((account) => account.id === accountId);
            if (target === undefined) return; // the endpoint answers ACCOUNT_NOT_FOUND
            if (target.providerId === PASSWORD_PROVIDER_ID) {
              throw refusal(
                "BAD_REQUEST",
                "PASSWORD_NOT_UNLINKABLE",
                "Your password is not a linked provider.",
              );
            }
            const methods = await signInMethodsOf(ctx.context, session.user.id);
            if (!keepsASignInMethodWithoutOneProvider(methods)) {
              throw refusal(
                "BAD_REQUEST",
                "LAST_SIGN_IN_METHOD",
                `${nameOf(target.providerId)} is the only way you sign in. Add a passkey or set a password before unlinking it.`,
              );
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
