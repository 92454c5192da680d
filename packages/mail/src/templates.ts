import { action, compose, fineprint, paragraph } from "./compose.ts";

export type TemplateName =
  | "verify-email"
  | "reset-password"
  | "confirm-email-change"
  | "email-changed"
  | "password-changed"
  | "password-reset"
  | "new-sign-in";

/** A rendered message without its recipient; `template` names it in logs (never the content). */
export interface Rendered {
  template: TemplateName;
  subject: string;
  text: string;
  html: string;
}

const when = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** "4 December 2026, 03:12 UTC": notices say when, in a zone every reader can place. */
export function formatWhen(date: Date): string {
  return `${when.format(date).replace(" at ", ", ")} UTC`;
}

const hi = (name: string) => `Hi ${name.trim() || "there"},`;
const notYou = (resetUrl: string) => [
  paragraph("If this wasn't you, reset your password now and review the devices signed in to your account:"),
  action("Reset password", resetUrl),
];

/**
 * The sign-up verification link.
 *
 * @example
 * verifyEmail({ name: "Ada", url: "https://tandem.example/api/auth/verify-email?token=…", expiresInHours: 24 })
 */
export function verifyEmail(data: { name: string; url: string; expiresInHours: number }): Rendered {
  return {
    template: "verify-email",
    ...compose("Verify your email for Tandem", [
      paragraph(hi(data.name)),
      paragraph(
        "Please confirm that this is your email address, so you can always get back into your account.",
      ),
      action("Verify email", data.url),
      fineprint(
        `The link works once, within ${data.expiresInHours} hours. If you did not sign up for Tandem, ignore this email.`,
      ),
    ]),
  };
}

export function resetPassword(data: { name: string; url: string; expiresInMinutes: number }): Rendered {
  const validity = data.expiresInMinutes === 60 ? "1 hour" : `${data.expiresInMinutes} minutes`;
  return {
    template: "reset-password",
    ...compose("Reset your Tandem password", [
      paragraph(hi(data.name)),
      paragraph(
        "Someone asked to reset the password of your Tandem account. To choose a new one, open this link:",
      ),
      action("Reset password", data.url),
      fineprint(
        `The link works once and expires in ${validity}. Resetting signs out every device. ` +
          "If you did not ask for this, ignore this email; your password stays the same.",
      ),
    ]),
  };
}

/** Sent to the NEW address: the change happens only once this link is opened. */
export function confirmEmailChange(data: {
  name: string;
  newEmail: string;
  url: string;
  expiresInHours: number;
}): Rendered {
  return {
    template: "confirm-email-change",
    ...compose("Confirm your new email for Tandem", [
      paragraph(hi(data.name)),
      paragraph(`Please confirm that ${data.newEmail} is the new email address of your Tandem account.`),
      action("Confirm email change", data.url),
      fineprint(
        `Nothing changes until you open the link; it works once, within ${data.expiresInHours} hours. ` +
          "If you did not ask for this, ignore this email.",
      ),
    ]),
  };
}

/** Sent to the OLD address once a change took effect. */
export function emailChanged(data: {
  name: string;
  oldEmail: string;
  newEmail: string;
  when: Date;
  resetUrl: string;
}): Rendered {
  return {
    template: "email-changed",
    ...compose("Your Tandem email was changed", [
      paragraph(hi(data.name)),
      paragraph(
        `The email address of your Tandem account was changed from ${data.oldEmail} to ${data.newEmail} on ` +
          `${formatWhen(data.when)}. This address will no longer receive mail about the account.`,
      ),
      ...notYou(data.resetUrl),
    ]),
  };
}

export function passwordChanged(data: { name: string; when: Date; resetUrl: string }): Rendered {
  return {
    template: "password-changed",
    ...compose("Your Tandem password was changed", [
      paragraph(hi(data.name)),
      paragraph(`The password of your Tandem account was changed on ${formatWhen(data.when)}.`),
      ...notYou(data.resetUrl),
    ]),
  };
}

export function passwordReset(data: { name: string; when: Date; resetUrl: string }): Rendered {
  return {
    template: "password-reset",
    ...compose("Your Tandem password was reset", [
      paragraph(hi(data.name)),
      paragraph(
        `The password of your Tandem account was reset with an emailed link on ${formatWhen(data.when)}, ` +
          "and every device was signed out.",
      ),
      ...notYou(data.resetUrl),
    ]),
  };
}

export function newSignIn(data: {
  name: string;
  when: Date;
  device: string;
  address: string;
  settingsUrl: string;
  resetUrl: string;
}): Rendered {
  return {
    template: "new-sign-in",
    ...compose("New sign-in to Tandem", [
      paragraph(hi(data.name)),
      paragraph(
        `Your Tandem account was signed in to from a device it had not been used on before: ${data.device}, ` +
          `from ${data.address}, on ${formatWhen(data.when)}.`,
      ),
      paragraph(
        "If this was you, there is nothing to do. You can see and end your sessions in your settings:",
      ),
      action("Review your sessions", data.settingsUrl),
      paragraph("If it wasn't you, reset your password now:"),
      action("Reset password", data.resetUrl),
    ]),
  };
}
