// Every account email, one definition each: the composer renders the text and HTML parts from it.
// Names, addresses and devices are user-controlled; compose escapes them in the HTML part.
import { action, type Block, compose, fineprint, paragraph } from "./compose.ts";

export type TemplateName =
  | "verify-email"
  | "reset-password"
  | "confirm-email-change"
  | "email-changed"
  | "password-changed"
  | "password-reset"
  | "new-sign-in"
  | "team-invitation"
  | "sign-in-method-changed";

/** A rendered message without its recipient; `template` names it in logs (never the content). */
export interface Rendered {
  template: TemplateName;
  subject: string;
  text: string;
  html: string;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/**
 * A moment in UTC, a zone every reader can place, built by hand so it reads the same whatever ICU
 * data the runtime ships.
 *
 * @example
 * formatWhen(new Date("2026-12-04T03:12:00Z")) // "4 December 2026, 03:12 UTC"
 */
export function formatWhen(date: Date): string {
  if (Number.isNaN(date.getTime())) return "an unknown time";
  const two = (n: number) => String(n).padStart(2, "0");
  const month = MONTHS[date.getUTCMonth()] ?? "";
  return (
    `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}, ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`
  );
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
const hi = (name: string) => paragraph(`Hi ${name.trim() || "there"},`);

/** What every notice ends with: what to do if the change was not the reader's. */
const notYou = (resetUrl: string): Block[] => [
  paragraph(
    "If this wasn't you, reset your password now, then review the devices signed in to your account " +
      "in Settings and sign out the ones you do not know:",
  ),
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
    ...compose({
      subject: "Verify your email for Tandem",
      preheader: "Confirm your address to finish setting up your account.",
      blocks: [
        hi(data.name),
        paragraph(
          "Please confirm that this is your email address, so you can always get back into your account.",
        ),
        action("Verify email", data.url),
        fineprint(
          `The link works once, within ${plural(data.expiresInHours, "hour")}. ` +
            "If you did not sign up for Tandem, ignore this email.",
        ),
      ],
    }),
  };
}

/**
 * The password reset link. `requestedFrom` (a device and address, e.g. "Firefox on Windows,
 * 203.0.113.9") helps the reader judge a request they did not make.
 *
 * @example
 * resetPassword({ name: "Ada", url: "https://tandem.example/reset-password?token=…", expiresInMinutes: 60 })
 */
export function resetPassword(data: {
  name: string;
  url: string;
  expiresInMinutes: number;
  requestedFrom?: string;
}): Rendered {
  const validity =
    data.expiresInMinutes % 60 === 0
      ? plural(data.expiresInMinutes / 60, "hour")
      : plural(data.expiresInMinutes, "minute");
  const origin = data.requestedFrom === undefined ? "" : ` The request came from ${data.requestedFrom}.`;
  return {
    template: "reset-password",
    ...compose({
      subject: "Reset your Tandem password",
      preheader: `Choose a new password. The link expires in ${validity}.`,
      blocks: [
        hi(data.name),
        paragraph(
          `Someone asked to reset the password of your Tandem account.${origin} To choose a new one, open this link:`,
        ),
        action("Reset password", data.url),
        fineprint(
          `The link works once and expires in ${validity}. Resetting signs out every device. ` +
            "If you did not ask for this, ignore this email; your password stays the same.",
        ),
      ],
    }),
  };
}

/**
 * Sent to the NEW address: the change happens only once this link is opened.
 *
 * @example
 * confirmEmailChange({ name: "Ada", newEmail: "ada@new.example", url: "https://tandem.example/…", expiresInHours: 24 })
 */
export function confirmEmailChange(data: {
  name: string;
  newEmail: string;
  url: string;
  expiresInHours: number;
}): Rendered {
  return {
    template: "confirm-email-change",
    ...compose({
      subject: "Confirm your new email for Tandem",
      preheader: "Confirm this address to finish changing your account's email.",
      blocks: [
        hi(data.name),
        paragraph(`Please confirm that ${data.newEmail} is the new email address of your Tandem account.`),
        action("Confirm email change", data.url),
        fineprint(
          `Nothing changes until you open the link; it works once, within ${plural(data.expiresInHours, "hour")}. ` +
            "If you did not ask for this, ignore this email.",
        ),
      ],
    }),
  };
}

/**
 * Sent to the OLD address once a change took effect.
 *
 * @example
 * emailChanged({ name: "Ada", oldEmail, newEmail, when: new Date(), resetUrl: "https://tandem.example/forgot-password" })
 */
export function emailChanged(data: {
  name: string;
  oldEmail: string;
  newEmail: string;
  when: Date;
  resetUrl: string;
}): Rendered {
  return {
    template: "email-changed",
    ...compose({
      subject: "Your Tandem email was changed",
      preheader: `Your account's email is now ${data.newEmail}.`,
      blocks: [
        hi(data.name),
        paragraph(
          `The email address of your Tandem account was changed from ${data.oldEmail} to ${data.newEmail} on ` +
            `${formatWhen(data.when)}. This address will no longer receive mail about the account.`,
        ),
        ...notYou(data.resetUrl),
      ],
    }),
  };
}

/**
 * Sent when a way to sign in or to reach the API changes (two-factor, backup codes, passkeys,
 * linked providers, access tokens). `change` is one sentence, e.g. "Two-factor authentication was
 * turned off"; `detail` names the thing (a passkey's or token's name), never a secret.
 *
 * @example
 * signInMethodChanged({ name: "Ada", change: "A passkey was added", detail: "Laptop", when: new Date(), settingsUrl, resetUrl })
 */
export function signInMethodChanged(data: {
  name: string;
  change: string;
  detail?: string | null;
  when: Date;
  settingsUrl: string;
  resetUrl: string;
}): Rendered {
  const what = data.detail ? `${data.change} (${data.detail})` : data.change;
  return {
    template: "sign-in-method-changed",
    ...compose({
      subject: `Tandem security notice: ${data.change.charAt(0).toLowerCase()}${data.change.slice(1)}`,
      preheader: what,
      blocks: [
        hi(data.name),
        paragraph(`${what} on your Tandem account on ${formatWhen(data.when)}.`),
        paragraph(`You can review your sign-in methods in your settings: ${data.settingsUrl}`),
        ...notYou(data.resetUrl),
      ],
    }),
  };
}

/**
 * Sent after a signed-in password change.
 *
 * @example
 * passwordChanged({ name: "Ada", when: new Date(), resetUrl: "https://tandem.example/forgot-password" })
 */
export function passwordChanged(data: { name: string; when: Date; resetUrl: string }): Rendered {
  return {
    template: "password-changed",
    ...compose({
      subject: "Your Tandem password was changed",
      blocks: [
        hi(data.name),
        paragraph(`The password of your Tandem account was changed on ${formatWhen(data.when)}.`),
        ...notYou(data.resetUrl),
      ],
    }),
  };
}

/**
 * Sent after a password was reset with an emailed link.
 *
 * @example
 * passwordReset({ name: "Ada", when: new Date(), resetUrl: "https://tandem.example/forgot-password" })
 */
export function passwordReset(data: { name: string; when: Date; resetUrl: string }): Rendered {
  return {
    template: "password-reset",
    ...compose({
      subject: "Your Tandem password was reset",
      blocks: [
        hi(data.name),
        paragraph(
          `The password of your Tandem account was reset with an emailed link on ${formatWhen(data.when)}, ` +
            "and every device was signed out.",
        ),
        ...notYou(data.resetUrl),
      ],
    }),
  };
}

/**
 * Sent when an account is signed in to from a device it had not seen. `address` is the client IP
 * or "unknown".
 *
 * @example
 * newSignIn({ name: "Ada", when: new Date(), device: "Chrome on Linux", address: "203.0.113.9", settingsUrl, resetUrl })
 */
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
    ...compose({
      subject: "New sign-in to Tandem",
      preheader: `${data.device}, ${formatWhen(data.when)}`,
      blocks: [
        hi(data.name),
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
      ],
    }),
  };
}

/**
 * An invitation to a team. The link opens the invitation page, which works before the reader has
 * an account (sign up first, then land in the team).
 *
 * @example
 * teamInvitation({ inviterName: "Ada", teamName: "Launch", role: "member", url, expiresInDays: 7 })
 */
export function teamInvitation(data: {
  inviterName: string;
  teamName: string;
  role: string;
  url: string;
  expiresInDays: number;
}): Rendered {
  const inviter = data.inviterName.trim() || "A Tandem user";
  return {
    template: "team-invitation",
    ...compose({
      subject: `${inviter} invited you to ${data.teamName} on Tandem`,
      preheader: `Join ${data.teamName} as ${data.role}.`,
      blocks: [
        paragraph("Hi there,"),
        paragraph(
          `${inviter} invited you to join the team ${data.teamName} on Tandem as ${data.role}, ` +
            "to share its task list.",
        ),
        action("View invitation", data.url),
        fineprint(
          `The invitation works once, within ${plural(data.expiresInDays, "day")}, and only for this email ` +
            "address. If you do not have a Tandem account yet, you can create one from the link. " +
            "If you were not expecting it, ignore this email.",
        ),
      ],
    }),
  };
}
