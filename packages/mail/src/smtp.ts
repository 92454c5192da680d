import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { parseMailFrom, parseSmtpUrl } from "./config.ts";

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

/**
 * A send that failed. The message is a short reason and the server, `ETIMEDOUT at smtp.example.com:587`,
 * never what was being sent (the link in it is a credential) nor the SMTP_URL's password.
 *
 * @example
 * new MailDeliveryError("ECONNREFUSED", "127.0.0.1:1025").message // "ECONNREFUSED at 127.0.0.1:1025"
 */
export class MailDeliveryError extends Error {
  constructor(
    /** A nodemailer code (ETIMEDOUT, ECONNECTION, EAUTH…) with the SMTP reply code if any, or "failed". */
    readonly reason: string,
    /** `host:port`, without credentials. */
    readonly server: string,
  ) {
    super(`${reason} at ${server}`);
    this.name = "MailDeliveryError";
  }
}

/**
 * Only nodemailer's code and the SMTP reply code: its messages may quote the server's reply, which
 * can echo the recipient or the command that failed.
 */
function reasonOf(error: unknown): string {
  if (error instanceof MailDeliveryError) return error.reason;
  if (typeof error === "object" && error !== null) {
    const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
    if (typeof code === "string" && /^[A-Z0-9_]{1,32}$/.test(code)) {
      return typeof responseCode === "number" ? `${code} ${responseCode}` : code;
    }
  }
  return "failed";
}

/**
 * A mailer for SMTP_URL (credentials in the URL, percent-encoded) through nodemailer. Every send has
 * a deadline (`timeoutMs`, default 10 s) on top of nodemailer's connection, greeting and socket
 * timeouts, so a server that accepts and then stalls cannot hold a send for long. Throws at once on
 * an invalid URL or sender (messages as from parseSmtpUrl / parseMailFrom, without the password).
 *
 * @example
 * const mailer = createSmtpMailer({ url: "smtps://user:pw@smtp.example.com", from: "Tandem <no-reply@tandem.example>" });
 * await mailer.send({ to: "ada@example.com", ...verifyEmail({ name: "Ada", url, expiresInHours: 24 }) });
 */
export function createSmtpMailer(options: { url: string; from: string; timeoutMs?: number }): Mailer {
  const parsed = parseSmtpUrl(options.url);
  if (!parsed.ok) throw new Error(parsed.error);
  const from = parseMailFrom(options.from);
  if (!from.ok) throw new Error(from.error);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = new URL(options.url);
  const user = decodeURIComponent(url.username);
  const server = parsed.display.slice(parsed.display.indexOf("//") + 2);
  // `pool: false` (one connection per message) is nodemailer's default, spelled out; its types only
  // know `pool: true`, on the pool transport.
  const settings: SMTPTransport.Options & { pool: false } = {
    host: parsed.host,
    port: parsed.port,
    // smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when the server offers it, and
    // does not insist, so the dev mail catcher (plain SMTP on loopback) works.
    secure: parsed.secure,
    pool: false,
    ...(user === "" ? {} : { auth: { user, pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Messages are built from templates; nothing may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const transport = nodemailer.createTransport(settings);
  return {
    display: parsed.display,
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MailDeliveryError("ETIMEDOUT", server)), timeoutMs);
      });
      const { to, subject, text, html } = message;
      try {
        // Promise.race subscribes to both, so a late failure of the abandoned send is handled too.
        await Promise.race([transport.sendMail({ from: options.from, to, subject, text, html }), deadline]);
      } catch (error) {
        throw new MailDeliveryError(reasonOf(error), server);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transport.close(),
  };
}
