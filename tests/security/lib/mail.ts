// Reading the mail a stack sent, from its mail catcher (the same one `npm start` runs), and
// walking the account-email flows over HTTP as a user's mail client and browser would.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { CaughtMessage } from "@tandem/stack";
import { newIp, type SecurityStack } from "./stack.ts";

/** The newest message to `to` whose subject matches, waiting for it to arrive. */
export function mailTo(s: SecurityStack, to: string, subject: RegExp): Promise<CaughtMessage> {
  const address = to.toLowerCase();
  return s.stack.mail.waitFor(
    (message) => message.to.some((x) => x.toLowerCase().includes(address)) && subject.test(message.subject),
  );
}

/** The one link in `message` that starts with `prefix`. */
export function linkIn(message: CaughtMessage, prefix: string): URL {
  const found = message.links.filter((link) => link.startsWith(prefix));
  expect(
    found,
    `one link starting with ${prefix} in "${message.subject}": ${message.links.join(", ")}`,
  ).toHaveLength(1);
  return new URL(found[0] as string);
}

/** Asks for a reset link for `email` from a fresh address. */
export function requestReset(s: SecurityStack, email: string, ip = newIp()) {
  return s.web("/api/auth/request-password-reset", { json: { email }, ip });
}

/** Requests a reset for `email` and returns the token of the link the mail carries. */
export async function resetToken(s: SecurityStack, email: string): Promise<string> {
  expect((await requestReset(s, email)).status).toBe(200);
  const message = await mailTo(s, email, /reset your tandem password/i);
  const token = linkIn(message, `${s.issuer}/reset-password?token=`).searchParams.get("token");
  expect(token).toBeTruthy();
  return token as string;
}

export function resetPassword(s: SecurityStack, token: string, newPassword: string) {
  return s.web("/api/auth/reset-password", { json: { token, newPassword }, ip: newIp() });
}

export function newPassword(): string {
  return `Pw-new-${randomBytes(9).toString("base64url")}`;
}

/** An address nobody signed up with. */
export function unknownEmail(): string {
  return `nobody-${randomBytes(6).toString("hex")}@example.test`;
}
