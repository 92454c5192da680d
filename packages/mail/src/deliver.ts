import { MailDeliveryError, type Mailer, type MailMessage } from "./smtp.ts";
import type { TemplateName } from "./templates.ts";

/** Where delivery failures go: one line each, without the link, token, subject or body. */
export interface MailLog {
  error(line: string): void;
}

/** A message with the name of the template it came from, which is all a log line says about it. */
export type NamedMessage = MailMessage & { template: TemplateName };

/**
 * Masks an address for logs: enough to tell messages apart, not to harvest addresses.
 *
 * @example
 * maskAddress("ada@example.com") // "a***@example.com"
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${address[0]}***${address.slice(at)}`;
}

function asDeliveryError(error: unknown, mailer: Mailer): MailDeliveryError {
  if (error instanceof MailDeliveryError) return error;
  // Another Mailer's error may carry anything, so only the server is kept.
  return new MailDeliveryError("failed", mailer.display.replace(/^[a-z]+:\/\//, ""));
}

/** Writes the failure line; a throwing logger must not turn a logged failure into a crash. */
function logFailure(log: MailLog, message: NamedMessage, failure: MailDeliveryError): void {
  try {
    log.error(`Email "${message.template}" to ${maskAddress(message.to)}: not sent (${failure.message})`);
  } catch {
    // Nothing left to tell.
  }
}

/** Starts the send; a Mailer that throws instead of rejecting is treated as a rejection. */
function start(mailer: Mailer, message: NamedMessage): Promise<void> {
  const { to, subject, text, html } = message;
  try {
    return mailer.send({ to, subject, text, html });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Sends without making anyone wait: returns at once, never throws, never leaves a rejection
 * unhandled. A failure is logged as one line (`Email "reset-password" to a***@example.com: not sent
 * (ETIMEDOUT at smtp.example.com:587)`) and reported to `onFailure`.
 *
 * @example
 * deliverInBackground(mailer, { to: user.email, ...resetPassword({ name, url, expiresInMinutes: 60 }) }, console);
 */
export function deliverInBackground(
  mailer: Mailer,
  message: NamedMessage,
  log: MailLog,
  onFailure?: (error: MailDeliveryError) => void,
): void {
  start(mailer, message).catch((error: unknown) => {
    const failure = asDeliveryError(error, mailer);
    logFailure(log, message, failure);
    try {
      onFailure?.(failure);
    } catch {
      // A failing report must not become an unhandled rejection either.
    }
  });
}

/**
 * Sends and waits, for a flow that can tell a signed-in user "we could not send the email, try
 * again". Never rejects; a failure is logged as in deliverInBackground.
 *
 * @example
 * const outcome = await deliverNow(mailer, { to: newEmail, ...confirmEmailChange({ … }) }, console);
 * if (!outcome.sent) return problem("EMAIL_NOT_SENT", "We could not send the email. Try again in a moment.");
 */
export async function deliverNow(
  mailer: Mailer,
  message: NamedMessage,
  log: MailLog,
): Promise<{ sent: true } | { sent: false; reason: string }> {
  try {
    await start(mailer, message);
    return { sent: true };
  } catch (error) {
    const failure = asDeliveryError(error, mailer);
    logFailure(log, message, failure);
    return { sent: false, reason: failure.reason };
  }
}
