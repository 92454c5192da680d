import { createHash } from "node:crypto";
import { newSignIn, passwordChanged } from "@tandem/mail";
import type { BetterAuthPlugin, GenericEndpointContext, HookEndpointContext } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { AUTH_ERROR_CODES } from "../error-codes.ts";
import { bodyString, requestOrigin } from "../request-parts.ts";
import { completedSignIn, endsSignIn } from "../sign-in-methods/completed.ts";
import { describeDevice } from "../device.ts";
import {
  type AccountEmailContext,
  mailKit,
  VERIFY_LINK_SECONDS,
  verificationClaims,
} from "./account-email.ts";
import { takeMailAllowance } from "./send-limits.ts";
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE,
  isKnownDevice,
  SECURE_DEVICE_COOKIE,
  withDeviceMark,
} from "./known-devices.ts";

/**
 * A reset request answers no sooner than this, whether or not the address has an account: the
 * known-address path writes a token and queues a mail, the other only reads, and the difference
 * must not show (Better Auth uses the same floor for verification mail).
 */
export const RESET_ANSWER_FLOOR_MS = 500;

/** The same object in a request's before and after hooks (each hook gets a copy of the context). */
function requestOf(ctx: HookEndpointContext): object | undefined {
  return ctx.request ?? ctx.headers;
}

function usedLinkId(token: string): string {
  return `used-email-link:${createHash("sha256").update(token).digest("hex")}`;
}

/** Where a verification attempt ended: Better Auth redirects to the callback, with `error=` on failure. */
function verifyOutcome(returned: unknown): "ok" | "failed" {
  if (isAPIError(returned)) {
    if (returned.statusCode !== 302) return "failed";
    const location = returned.headers instanceof Headers ? returned.headers.get("location") : null;
    return location !== null && /[?&]error=/.test(location) ? "failed" : "ok";
  }
  return "ok";
}

/**
 * The hooks of the email flows: per-address mail allowances, the reset answer's time floor,
 * single-use verification links, verification before API tokens when required, the notices
 * (password changed, new device) and each step in the security history.
 */
export function accountEmailPlugin(context: AccountEmailContext & { secret: string }) {
  const { links, record, send } = mailKit(context);
  const startedAt = new WeakMap<object, number>();
  const requireVerification = context.email.requireVerification ?? false;
  /** Marks this browser as one the account has used (see known-devices.ts). */
  function markDevice(ctx: GenericEndpointContext, userId: string): void {
    const secure = ctx.context.authCookies.sessionToken.attributes.secure ?? false;
    ctx.setCookie(
      secure ? SECURE_DEVICE_COOKIE : DEVICE_COOKIE,
      withDeviceMark(context.secret, userId, cookieHeader(ctx)),
      {
        httpOnly: true,
        sameSite: "lax",
        secure,
        path: "/",
        maxAge: DEVICE_COOKIE_MAX_AGE,
      },
    );
  }

  return {
    id: "tandem-account-email",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === "/request-password-reset",
          handler: createAuthMiddleware(async (ctx) => {
            const request = requestOf(ctx);
            if (request !== undefined) startedAt.set(request, Date.now());
            const email = bodyString(ctx.body, "email");
            if (email !== undefined)
              await takeMailAllowance(context.database, context.secret, "password-reset", email);
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/send-verification-email",
          handler: createAuthMiddleware(async (ctx) => {
            const email = bodyString(ctx.body, "email");
            if (email !== undefined)
              await takeMailAllowance(context.database, context.secret, "verification", email);
          }),
        },
        {
          matcher: (ctx) => requireVerification && ctx.path === "/token",
          handler: createAuthMiddleware(async (ctx) => {
            const session = await getSessionFromCtx(ctx);
            if (session === null || session.user.emailVerified) return; // the endpoint answers 401 itself
            throw new APIError("FORBIDDEN", {
              code: AUTH_ERROR_CODES.EMAIL_VERIFICATION_REQUIRED,
              message: "Verify your email address first: use the link we sent, or ask for a new one.",
            });
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/verify-email",
          handler: createAuthMiddleware(async (ctx) => {
            const token = typeof ctx.query?.token === "string" ? ctx.query.token : undefined;
            if (token === undefined) return;
            if ((await ctx.context.internalAdapter.findVerificationValue(usedLinkId(token))) === null) return;
            const callback = typeof ctx.query?.callbackURL === "string" ? ctx.query.callbackURL : undefined;
            const error = {
              code: AUTH_ERROR_CODES.LINK_ALREADY_USED,
              message: "This link has been used already",
            };
            if (callback === undefined) throw new APIError("BAD_REQUEST", error);
            const target = `${callback}${callback.includes("?") ? "&" : "?"}error=${error.code}`;
            throw ctx.redirect(target);
          }),
        },
      ],
      after: [
        {
          // The jwt plugin also hands out a token in get-session's `set-auth-jwt` header.
          matcher: (ctx) => requireVerification && ctx.path === "/get-session",
          handler: createAuthMiddleware(async (ctx) => {
            const session = ctx.context.session ?? ctx.context.newSession;
            if (session !== null && !session.user.emailVerified)
              ctx.context.responseHeaders?.delete("set-auth-jwt");
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/request-password-reset",
          handler: createAuthMiddleware(async (ctx) => {
            const request = requestOf(ctx);
            const started = request === undefined ? undefined : startedAt.get(request);
            if (started === undefined) return;
            const wait = started + RESET_ANSWER_FLOOR_MS - Date.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/verify-email",
          handler: createAuthMiddleware(async (ctx) => {
            const token = typeof ctx.query?.token === "string" ? ctx.query.token : undefined;
            if (token === undefined) return;
            const claims = verificationClaims(token);
            const userId =
              "userId" in claims && typeof claims.userId === "string" ? claims.userId : undefined;
            if (verifyOutcome(ctx.context.returned) === "failed") {
              const user =
                userId === undefined ? null : await ctx.context.internalAdapter.findUserById(userId);
              if (user !== null)
                await record({ userId: user.id, type: "email_verification_failed", ...requestOrigin(ctx) });
              return;
            }
            await ctx.context.internalAdapter.createVerificationValue({
              identifier: usedLinkId(token),
              value: "used",
              expiresAt: new Date(Date.now() + VERIFY_LINK_SECONDS * 1000),
            });
            // An email change is recorded where it is written (security hooks: email_changed).
            if (claims.updateTo === undefined && userId !== undefined) {
              await record({ userId, type: "email_verified", ...requestOrigin(ctx) });
            }
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/reset-password",
          handler: createAuthMiddleware(async (ctx) => {
            if (!isAPIError(ctx.context.returned)) return;
            const token =
              bodyString(ctx.body, "token") ??
              (typeof ctx.query?.token === "string" ? ctx.query.token : undefined);
            if (token === undefined) return;
            // An expired token is still stored, so its account is known; a used or made-up one is not.
            const stale = await ctx.context.internalAdapter.findVerificationValue(`reset-password:${token}`);
            if (stale !== null)
              await record({ userId: stale.value, type: "password_reset_failed", ...requestOrigin(ctx) });
          }),
        },
        {
          matcher: (ctx) => ctx.path === "/change-password",
          handler: createAuthMiddleware(async (ctx) => {
            const user = ctx.context.session?.user;
            if (isAPIError(ctx.context.returned) || user === undefined) return;
            send(
              user.id,
              user.email,
              passwordChanged({ name: user.name, when: new Date(), resetUrl: links.forgot }),
            );
          }),
        },
        {
          // The browser that signed up, or opened a verification link that signed it in, is known.
          matcher: (ctx) => ctx.path === "/sign-up/email" || ctx.path === "/verify-email",
          handler: createAuthMiddleware(async (ctx) => {
            const user = ctx.context.newSession?.user;
            const returned = ctx.context.returned;
            // The verification endpoint answers a browser with a redirect (302), which is success.
            if (user !== undefined && (!isAPIError(returned) || returned.statusCode === 302))
              markDevice(ctx, user.id);
          }),
        },
        {
          // Every way of signing in, once complete (not the password step of a two-factor sign-in).
          matcher: (ctx) => endsSignIn(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const user = completedSignIn(ctx);
            if (user === null) return;
            // Read before the mark is (re)set: the request's cookie says whether this browser is known.
            const known = isKnownDevice(context.secret, user.id, cookieHeader(ctx));
            markDevice(ctx, user.id);
            if (known) return;
            const from = requestOrigin(ctx);
            send(
              user.id,
              user.email,
              newSignIn({
                name: user.name,
                when: new Date(),
                device: describeDevice(from.userAgent),
                address: from.ip ?? "unknown",
                settingsUrl: links.settings,
                resetUrl: links.forgot,
              }),
            );
            await record({ userId: user.id, type: "new_device_sign_in", ...from });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

function cookieHeader(ctx: HookEndpointContext): string | null {
  return ctx.request?.headers.get("cookie") ?? ctx.headers?.get("cookie") ?? null;
}
