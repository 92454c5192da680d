import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { FEDERATION_ERROR_CODES } from "../error-codes.ts";
import { signInMethodsOf } from "../federation/sign-in-methods-left.ts";
import { PASSKEY_SIGN_IN_PATH } from "../sign-in-methods/amr.ts";
import type { RecordSignInMethodChange } from "../sign-in-methods/changes.ts";
import { completedSignIn } from "../sign-in-methods/completed.ts";
import { freshSignInRequired, isFresh } from "../sign-in-methods/fresh-sign-in.ts";
import { requirePasskeyName } from "./passkey-name.ts";

const REGISTER_OPTIONS_PATH = "/passkey/generate-register-options";
const REGISTER_PATH = "/passkey/verify-registration";
const RENAME_PATH = "/passkey/update-passkey";
const REMOVE_PATH = "/passkey/delete-passkey";

type Hooks = NonNullable<BetterAuthPlugin["hooks"]>;

interface StoredPasskey {
  userId: string;
  name?: string | null | undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | null {
  const found = field(value, key);
  return typeof found === "string" ? found : null;
}

/**
 * Tandem's rules around Better Auth's passkey endpoints, and the records they leave: history
 * entries (with notices) for additions and removals, and each passkey's last sign-in.
 */
export function passkeyHooks(changes: RecordSignInMethodChange): Hooks {
  // A removal's passkey as it was before the endpoint deleted it (its name is the history's
  // detail), keyed by the request's body object, which the before and after hooks share.
  const removing = new WeakMap<object, StoredPasskey>();

  return {
    before: [
      {
        matcher: (ctx) => ctx.path === REGISTER_OPTIONS_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          const session = await getSessionFromCtx(ctx);
          if (session === null) return; // the endpoint itself answers 401
          // A passkey is a lasting way into the account: a stolen or forgotten session must not
          // be able to add one (decision 017's step-up, as for removing one).
          if (!isFresh(session.session.createdAt)) throw freshSignInRequired();
          requirePasskeyName(ctx.query?.name);
          // Better Auth would make the passkey's label the WebAuthn user name, which is what the
          // browser's passkey picker shows; keep the account's email there instead.
          return { context: { query: { ...ctx.query, name: "" } } };
        }),
      },
      {
        matcher: (ctx) => ctx.path === REGISTER_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          requirePasskeyName(field(ctx.body, "name"));
          // `createSession` is for passkey-first sign-up, which Tandem does not offer: here it
          // would open a new session, counted as a recent sign-in, without signing in.
          if (field(ctx.body, "createSession") !== undefined) {
            return { context: { body: { ...(ctx.body as object), createSession: false } } };
          }
        }),
      },
      {
        matcher: (ctx) => ctx.path === RENAME_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          requirePasskeyName(field(ctx.body, "name"));
        }),
      },
      {
        matcher: (ctx) => ctx.path === REMOVE_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          const id = stringField(ctx.body, "id");
          if (id === null || typeof ctx.body !== "object" || ctx.body === null) return;
          const found = await ctx.context.adapter.findOne<StoredPasskey>({
            model: "passkey",
            where: [{ field: "id", value: id }],
          });
          if (found === null) return;
          // Someone else's passkey is the endpoint's to refuse, without telling anything about it.
          const session = await getSessionFromCtx(ctx);
          if (session === null || session.user.id !== found.userId) return;
          // Never the last way in: a provider-and-passkey account could otherwise unlink the
          // provider, then remove its only passkey, and be locked out for good.
          const methods = await signInMethodsOf(ctx.context, found.userId);
          if (!methods.password && methods.passkeys <= 1 && methods.providers.length === 0) {
            throw new APIError("BAD_REQUEST", {
              code: FEDERATION_ERROR_CODES.LAST_SIGN_IN_METHOD,
              message: "This passkey is your only way to sign in. Add another way first.",
            });
          }
          removing.set(ctx.body, found);
        }),
      },
    ],
    after: [
      {
        matcher: (ctx) => ctx.path === REGISTER_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          const added: unknown = ctx.context.returned;
          const userId = stringField(added, "userId");
          if (isAPIError(added) || userId === null) return;
          const user = await ctx.context.internalAdapter.findUserById(userId);
          if (user !== null) await changes(ctx, user, "passkey_added", stringField(added, "name"));
        }),
      },
      {
        matcher: (ctx) => ctx.path === REMOVE_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          const removed =
            typeof ctx.body === "object" && ctx.body !== null ? removing.get(ctx.body) : undefined;
          // Only a deletion that happened: the endpoint checked the session and the ownership.
          if (removed === undefined || isAPIError(ctx.context.returned)) return;
          const user = await ctx.context.internalAdapter.findUserById(removed.userId);
          if (user !== null) await changes(ctx, user, "passkey_removed", removed.name ?? null);
        }),
      },
      {
        matcher: (ctx) => ctx.path === PASSKEY_SIGN_IN_PATH,
        handler: createAuthMiddleware(async (ctx) => {
          const user = completedSignIn(ctx);
          const credentialID = stringField(field(ctx.body, "response"), "id");
          if (user === null || credentialID === null) return;
          await ctx.context.adapter.update({
            model: "passkey",
            where: [
              { field: "credentialID", value: credentialID },
              { field: "userId", value: user.id },
            ],
            update: { lastUsedAt: new Date() },
          });
        }),
      },
    ],
  };
}
