import { createHmac } from "node:crypto";

/**
 * "A device not seen before" is a browser without this account's mark in its device cookie. The
 * mark is an HMAC of the user id under the auth secret: the cookie names no account, proves
 * nothing to the server (it only spares a notice), and needs no table. A browser keeps the marks
 * of the last few accounts that signed in with it.
 */
export const DEVICE_COOKIE = "tandem.device";
/** Its name over https, where every cookie of Tandem's is `__Secure-` prefixed (and Secure). */
export const SECURE_DEVICE_COOKIE = `__Secure-${DEVICE_COOKIE}`;
const MARKS_KEPT = 8;
/** About 400 days, the longest lifetime browsers allow a cookie. */
export const DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;

export function deviceMark(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(`known-device:${userId}`).digest("base64url").slice(0, 22);
}

/** The marks in a request's Cookie header (at most MARKS_KEPT, well-formed ones only). */
export function deviceMarks(cookieHeader: string | null | undefined): string[] {
  for (const pair of (cookieHeader ?? "").split(";")) {
    const [name, ...rest] = pair.trim().split("=");
    if (name !== DEVICE_COOKIE && name !== SECURE_DEVICE_COOKIE) continue;
    return rest
      .join("=")
      .split(".")
      .filter((mark) => /^[\w-]{22}$/.test(mark))
      .slice(0, MARKS_KEPT);
  }
  return [];
}

export function isKnownDevice(
  secret: string,
  userId: string,
  cookieHeader: string | null | undefined,
): boolean {
  return deviceMarks(cookieHeader).includes(deviceMark(secret, userId));
}

/** The cookie's new value: this account's mark first, then the others, the oldest dropped. */
export function withDeviceMark(
  secret: string,
  userId: string,
  cookieHeader: string | null | undefined,
): string {
  const mark = deviceMark(secret, userId);
  return [mark, ...deviceMarks(cookieHeader).filter((m) => m !== mark)].slice(0, MARKS_KEPT).join(".");
}
