// What the web app does about email, from its configuration. No `server-only` and no process.env:
// env.ts and the custom server (before Next.js starts) both call it, so a production server without
// a way to send mail refuses to start rather than failing on the first reset.
import { parseMailFrom, parseSmtpUrl } from "@tandem/mail/config";

export type EmailSetting =
  { on: true; smtpUrl: string; from: string; requireVerification: boolean } | { on: false; reason: string };

export interface EmailSource {
  NODE_ENV?: string | undefined;
  EMAIL?: string | undefined;
  SMTP_URL?: string | undefined;
  MAIL_FROM?: string | undefined;
  AUTH_REQUIRE_EMAIL_VERIFICATION?: string | undefined;
  BETTER_AUTH_URL?: string | undefined;
}

/** A configuration problem, as one line for the start-up message. */
export class EmailConfigError extends Error {}

/**
 * Email is on when SMTP_URL is set. Production without it refuses (password reset and verification
 * would silently do nothing) unless EMAIL=off says so; development without it (the stack's mail
 * catcher normally provides one) runs without email.
 *
 * @example
 * resolveEmailSetting({ NODE_ENV: "production", SMTP_URL: "smtps://u:p@smtp.example.com" }).on // true
 */
export function resolveEmailSetting(source: EmailSource): EmailSetting {
  const email = source.EMAIL || "on";
  if (email !== "on" && email !== "off") throw new EmailConfigError('EMAIL must be "on" or "off"');
  const verification = source.AUTH_REQUIRE_EMAIL_VERIFICATION || "false";
  if (verification !== "true" && verification !== "false") {
    throw new EmailConfigError('AUTH_REQUIRE_EMAIL_VERIFICATION must be "true" or "false"');
  }
  const required = verification === "true";
  if (email === "off") {
    if (required)
      throw new EmailConfigError(
        "AUTH_REQUIRE_EMAIL_VERIFICATION=true needs email: unset EMAIL=off and set SMTP_URL",
      );
    return { on: false, reason: "EMAIL=off" };
  }
  if (!source.SMTP_URL) {
    if (source.NODE_ENV === "production") {
      throw new EmailConfigError(
        "SMTP_URL is required in production (password reset and email verification send mail): set it to your " +
          "provider's smtps://user:password@host:465 URL, or EMAIL=off to run without email",
      );
    }
    if (required) throw new EmailConfigError("AUTH_REQUIRE_EMAIL_VERIFICATION=true needs SMTP_URL");
    return { on: false, reason: "SMTP_URL is not set" };
  }
  const smtp = parseSmtpUrl(source.SMTP_URL);
  if (!smtp.ok) throw new EmailConfigError(smtp.error);
  if (source.MAIL_FROM) {
    const from = parseMailFrom(source.MAIL_FROM);
    if (!from.ok) throw new EmailConfigError(from.error);
  }
  let host = "localhost";
  try {
    host = new URL(source.BETTER_AUTH_URL || "http://localhost").hostname;
  } catch {
    // BETTER_AUTH_URL is checked (and reported) by env.ts.
  }
  return {
    on: true,
    smtpUrl: source.SMTP_URL,
    from: source.MAIL_FROM || `Tandem <no-reply@${host}>`,
    requireVerification: required,
  };
}
