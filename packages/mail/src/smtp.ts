import nodemailer from "nodemailer";
import { parseSmtpUrl } from "./config.ts";

/** One message as it goes out: both parts come from the same template (templates.ts). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Hands the message to the SMTP server; rejects with MailDeliveryError (never the message in it). */
  send(message: MailMessage): Promise<void>;
  close(): void;
  /** `smtp://host:port`, without credentials: for banners and logs. */
  readonly display: string;
}

/** A send that failed: the message says why in a few words, never what was being sent. */
export class MailDeliveryError extends Error {
  constructor(
    readonly reason: string,
    readonly server: string,
  ) {
    super(`${reason} at ${server}`);
    this.name = "MailDeliveryError";
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof MailDeliveryError) return error.reason;
  if (typeof error === "object" && error !== null) {
    const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
    if (typeof code === "string" && code !== "") {
      return typeof responseCode === "number" ? `${code} ${responseCode}` : code;
    }
  }
  return "failed";
}

/**
 * A mailer for SMTP_URL through nodemailer. Every send has a deadline (`timeoutMs`, default 10 s)
 * on top of nodemailer's connection, greeting and socket timeouts, so a server that accepts and
 * then stalls cannot hold a send for long.
 */
export function createSmtpMailer(options: { url: string; from: string; timeoutMs?: number }): Mailer {
  const parsed = parseSmtpUrl(options.url);
  if (!parsed.ok) throw new Error(parsed.error);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = new URL(options.url);
  const user = decodeURIComponent(url.username);
  const transport = nodemailer.createTransport({
    host: parsed.host,
    port: parsed.port,
    secure: parsed.secure,
    ...(user === "" ? {} : { auth: { user, pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    display: parsed.display,
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MailDeliveryError("ETIMEDOUT", parsed.display)), timeoutMs);
      });
      try {
        await Promise.race([transport.sendMail({ from: options.from, ...message }), deadline]);
      } catch (error) {
        throw new MailDeliveryError(reasonOf(error), parsed.display);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transport.close(),
  };
}
