import { MailDeliveryError, type Mailer, type MailMessage } from "./smtp.ts";
import type { TemplateName } from "./templates.ts";

/** Where delivery failures go: one line each, without the link, token, subject or body. */
export interface MailLog {
  error(line: string): void;
}

/** `ada@example.com` → `a***@example.com`: enough to tell messages apart in a log, not to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${address[0]}***${address.slice(at)}`;
}

function failureLine(message: MailMessage & { template: TemplateName }, error: unknown): string {
  const why = error instanceof MailDeliveryError ? error.message : "failed";
  return `Email "${message.template}" to ${maskAddress(message.to)}: not sent (${why})`;
}

function asDeliveryError(error: unknown, mailer: Mailer): MailDeliveryError {
  return error instanceof MailDeliveryError ? error : new MailDeliveryError("failed", mailer.display);
}

/**
 * Sends without making anyone wait: returns at once, never throws, never leaves a rejection
 * unhandled. A failure is logged (see MailLog) and reported to `onFailure`.
 *
 * @example
 * deliverInBackground(mailer, { to: user.email, ...resetPassword({ name, url, expiresInMinutes: 60 }) }, console);
 */
export function deliverInBackground(
  mailer: Mailer,
  message: MailMessage & { template: TemplateName },
  log: MailLog,
  onFailure?: (error: MailDeliveryError) => void,
): void {
  const { template: _template, ...outgoing } = message;
  mailer.send(outgoing).catch((error: unknown) => {
    const failure = asDeliveryError(error, mailer);
    log.error(failureLine(message, failure));
    try {
      onFailure?.(failure);
    } catch {
      // A failing report must not become an unhandled rejection either.
    }
  });
}

/** Sends and waits, for a flow that can tell a signed-in user "we could not send it, try again". */
export async function deliverNow(
  mailer: Mailer,
  message: MailMessage & { template: TemplateName },
  log: MailLog,
): Promise<{ sent: true } | { sent: false; reason: string }> {
  const { template: _template, ...outgoing } = message;
  try {
    await mailer.send(outgoing);
    return { sent: true };
  } catch (error) {
    const failure = asDeliveryError(error, mailer);
    log.error(failureLine(message, failure));
    return { sent: false, reason: failure.reason };
  }
}
