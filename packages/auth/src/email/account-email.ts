import type { TandemDb } from "@tandem/db";
import {
  deliverNow,
  type Mailer,
  type MailLog,
  passwordReset,
  type Rendered,
  resetPassword,
  verifyEmail,
  confirmEmailChange,
} from "@tandem/mail";
import type { BetterAuthOptions } from "better-auth";
import { type NewSecurityEvent, recordSecurityEvent } from "../security/events.ts";
import { accountLinks, type AccountLinks, VERIFY_CALLBACK } from "./links.ts";
import { noteDelivery } from "./mail-waits.ts";

/** Email delivery for the account flows (AuthConfig.email); absent means email is turned off. */
export interface EmailConfig {
  mailer: Mailer;
  /** Refuse sign-in and API tokens until the address is verified (AUTH_REQUIRE_EMAIL_VERIFICATION). */
  requireVerification?: boolean;
  /** Where delivery failures are logged (never with the link or token). Default: console.error. */
  log?: MailLog;
}

/** A reset link works once, for an hour; a verification or email-change link for a day. */
export const RESET_LINK_SECONDS = 3600;
export const VERIFY_LINK_SECONDS = 24 * 3600;

export interface AccountEmailContext {
  database: TandemDb;
  baseURL: string;
  email: EmailConfig;
  /** The client address of a request, as Better Auth resolves it (trusted headers only). */
  clientAddress: (headers: Headers) => string | null;
}

/** Who asked, for the security history: a request's client address and user agent. */
export function callbackOrigin(
  context: Pick<AccountEmailContext, "clientAddress">,
  request: Request | undefined,
): Pick<NewSecurityEvent, "ip" | "userAgent"> {
  if (request === undefined) return { ip: null, userAgent: null };
  return { ip: context.clientAddress(request.headers), userAgent: request.headers.get("user-agent") };
}

/** The claims of a Better Auth email-verification token, read without checking: it signed them. */
export function verificationClaims(token: string): {
  email?: string;
  updateTo?: string;
  requestType?: string;
} {
  const payload = token.split(".")[1];
  if (payload === undefined) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? claims : {};
  } catch {
    return {};
  }
}

/**
 * The pieces every flow needs: links built from the configured public URL only (never from the
 * request's Host), background delivery, and history entries that never fail the action.
 */
export function mailKit(context: AccountEmailContext) {
  const log = context.email.log ?? { error: (line: string) => console.error(line) };
  const links: AccountLinks = accountLinks(context.baseURL);

  async function record(event: NewSecurityEvent): Promise<void> {
    try {
      await recordSecurityEvent(context.database.db, event);
    } catch (error) {
      log.error(`Could not record the security event ${event.type}: ${(error as Error).message}`);
    }
  }

  /**
   * Sends without waiting: a slow or failing mail server never holds up the answer (deliverNow never
   * rejects; a failure is logged without the link and recorded). A server-side caller may still
   * wait for the outcome with awaitingMail.
   */
  function send(userId: string, to: string, message: Rendered): void {
    const delivery = deliverNow(context.email.mailer, { to, ...message }, log).then(async (outcome) => {
      if (!outcome.sent) await record({ userId, type: "email_delivery_failed", ip: null, userAgent: null });
      return outcome.sent;
    });
    noteDelivery(delivery);
  }

  return { links, record, send };
}

/**
 * The Better Auth options of the email flows: password reset, verification at sign-up, and email
 * change confirmed from the new address. Without email (`config.email` absent) reset and
 * verification are off and an email change applies at once, as before email existed.
 */
export function accountEmailOptions(context: AccountEmailContext | null) {
  if (context === null) {
    return {
      emailAndPassword: { enabled: true },
      user: { changeEmail: { enabled: true, updateEmailWithoutVerification: true } },
    } satisfies BetterAuthOptions;
  }
  const { links, record, send } = mailKit(context);
  const requireVerification = context.email.requireVerification ?? false;
  return {
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: requireVerification,
      resetPasswordTokenExpiresIn: RESET_LINK_SECONDS,
      // Whoever held the password may hold sessions: a reset ends all of them.
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, token }, request) => {
        send(
          user.id,
          user.email,
          resetPassword({
            name: user.name,
            url: links.reset(token),
            expiresInMinutes: RESET_LINK_SECONDS / 60,
          }),
        );
        await record({
          userId: user.id,
          type: "password_reset_requested",
          ...callbackOrigin(context, request),
        });
      },
      onPasswordReset: async ({ user }, request) => {
        send(
          user.id,
          user.email,
          passwordReset({ name: user.name, when: new Date(), resetUrl: links.forgot }),
        );
        await record({ userId: user.id, type: "password_reset", ...callbackOrigin(context, request) });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      // Signing in never mails by itself: the sign-in page offers "Resend verification email".
      sendOnSignIn: false,
      expiresIn: VERIFY_LINK_SECONDS,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, token }, request) => {
        const claims = verificationClaims(token);
        const origin = callbackOrigin(context, request);
        if (claims.requestType === "change-email-verification") {
          // Better Auth passes the user with the new address: the link goes there.
          send(
            user.id,
            user.email,
            confirmEmailChange({
              name: user.name,
              newEmail: user.email,
              url: links.verify(token, VERIFY_CALLBACK.change),
              expiresInHours: VERIFY_LINK_SECONDS / 3600,
            }),
          );
          await record({ userId: user.id, type: "email_change_requested", ...origin });
          return;
        }
        send(
          user.id,
          user.email,
          verifyEmail({
            name: user.name,
            url: links.verify(token, VERIFY_CALLBACK.verify),
            expiresInHours: VERIFY_LINK_SECONDS / 3600,
          }),
        );
        await record({ userId: user.id, type: "verification_sent", ...origin });
      },
    },
    user: { changeEmail: { enabled: true, updateEmailWithoutVerification: false } },
  } satisfies BetterAuthOptions;
}
