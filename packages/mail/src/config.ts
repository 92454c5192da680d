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
  if (port === 0) return { ok: false, error: `SMTP_URL has port 0, ${SMTP_URL_EXAMPLE}` };
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return {
      ok: false,
      error: "SMTP_URL's user or password has a broken %-escape (write / as %2F, @ as %40)",
    };
  }
  // An IPv6 literal keeps its brackets in the display (`[::1]:25`) but connects without them.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { ok: true, secure, host, port, display: `${url.protocol}//${url.hostname}:${port}` };
}

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/;
// eslint-disable-next-line no-control-regex -- a line break in a header value could add headers
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks MAIL_FROM: `Name <address@host>` or `address@host`.
 *
 * @example
 * parseMailFrom("Tandem <no-reply@tandem.example>") // { ok: true, address: "no-reply@tandem.example" }
 */
export function parseMailFrom(raw: string): { ok: true; address: string } | { ok: false; error: string } {
  const trimmed = raw.trim();
  if (CONTROL.test(trimmed)) return { ok: false, error: "MAIL_FROM must be on one line" };
  const named = /^([^<>]*)<([^<>]+)>$/.exec(trimmed);
  const address = (named ? named[2] : trimmed)?.trim() ?? "";
  if (!ADDRESS.test(address)) {
    return { ok: false, error: 'MAIL_FROM must be "Name <address@example.com>" or "address@example.com"' };
  }
  return { ok: true, address };
}
