import type { Mailer, MailMessage } from "@tandem/mail";

export interface RecordingMailer {
  mailer: Mailer;
  /** Every message sent so far, oldest first. */
  sent: MailMessage[];
  /** From now on each send rejects, as with a dead SMTP server. */
  fail: () => void;
}

/**
 * A mailer that keeps what it is given, for tests of who gets which message with which link (what
 * SMTP does with them is packages/mail's and the security suite's business).
 *
 * @example
 * const outbox = recordingMailer();
 * await startAuthServer({ database, email: { mailer: outbox.mailer } });
 */
export function recordingMailer(): RecordingMailer {
  const sent: MailMessage[] = [];
  let failing = false;
  const mailer: Mailer = {
    display: "smtp://recording:25",
    send: async (message) => {
      if (failing) throw new Error("connect ECONNREFUSED");
      sent.push(message);
    },
    close: () => undefined,
  };
  return { mailer, sent, fail: () => (failing = true) };
}
