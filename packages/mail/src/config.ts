// SMTP_URL and MAIL_FROM checks. No runtime imports: the web server checks its configuration with
// these before Next.js starts (`@tandem/mail/config`), without loading nodemailer.

export type SmtpUrl =
  { ok: true; secure: boolean; host: string; port: number; display: string } | { ok: false; error: string };

const SMTP_URL_EXAMPLE = "e.g. smtps://user:password@smtp.example.com:465";

/**
 * Checks an SMTP_URL: `smtp://` (STARTTLS when offered, port 587 by default) or `smtps://` (TLS
 * from the start, 465), with a host. Errors never repeat the URL, which may hold a password.
 *
 * @example
 * parseSmtpUrl("smtps://me:secret@smtp.example.com") // { ok: true, secure: true, port: 465, display: "smtps://smtp.example.com:465", … }
 */
export function parseSmtpUrl(raw: string): SmtpUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: `SMTP_URL must be an smtp:// or smtps:// URL, ${SMTP_URL_EXAMPLE}` };
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    return { ok: false, error: `SMTP_URL must start with smtp:// or smtps://, ${SMTP_URL_EXAMPLE}` };
  }
  if (url.hostname === "") return { ok: false, error: `SMTP_URL has no host, ${SMTP_URL_EXAMPLE}` };
  const secure = url.protocol === "smtps:";
  const port = url.port === "" ? (secure ? 465 : 587) : Number(url.port);
  return { ok: true, secure, host: url.hostname, port, display: `${url.protocol}//${url.hostname}:${port}` };
}

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/;

/** Checks MAIL_FROM: `Name <address@host>` or `address@host`. */
export function parseMailFrom(raw: string): { ok: true; address: string } | { ok: false; error: string } {
  const trimmed = raw.trim();
  const named = /^([^<>]*)<([^<>]+)>$/.exec(trimmed);
  const address = (named ? named[2] : trimmed)?.trim() ?? "";
  if (!ADDRESS.test(address)) {
    return { ok: false, error: 'MAIL_FROM must be "Name <address@example.com>" or "address@example.com"' };
  }
  return { ok: true, address };
}
