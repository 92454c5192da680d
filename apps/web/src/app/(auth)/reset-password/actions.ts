"use server";

import { isAPIError } from "better-auth/api";
import { cookies } from "next/headers";
import { getAuth } from "@/lib/auth.server";
import { authErrorMessage } from "@/lib/auth-errors";
import { RESET_TOKEN_COOKIE } from "@/lib/reset-token";

export type ResetResult = { ok: true } | { ok: false; error: string; linkUnusable: boolean };

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

/**
 * Sets the new password with the token the proxy moved into the reset cookie. Better Auth checks
 * the token (single use, 1 hour), ends every session of the account, and the history and the
 * notice follow (packages/auth). The cookie goes either way once the token is spent or refused.
 */
export async function resetPassword(newPassword: unknown, confirm: unknown): Promise<ResetResult> {
  if (typeof newPassword !== "string" || typeof confirm !== "string") {
    return { ok: false, error: "Enter the new password twice.", linkUnusable: false };
  }
  if (newPassword.length < MIN_PASSWORD) {
    return {
      ok: false,
      error: `The new password is too short: use at least ${MIN_PASSWORD} characters.`,
      linkUnusable: false,
    };
  }
  if (newPassword.length > MAX_PASSWORD) {
    return {
      ok: false,
      error: `The new password is too long: use at most ${MAX_PASSWORD} characters.`,
      linkUnusable: false,
    };
  }
  if (newPassword !== confirm) return { ok: false, error: "The passwords don't match.", linkUnusable: false };

  const jar = await cookies();
  const token = jar.get(RESET_TOKEN_COOKIE)?.value;
  if (!token) {
    return {
      ok: false,
      error: "This reset link has expired or has already been used. Ask for a new one below.",
      linkUnusable: true,
    };
  }
  try {
    await getAuth().api.resetPassword({ body: { newPassword, token } });
  } catch (error) {
    const code = isAPIError(error) ? error.body?.code : undefined;
    const linkUnusable = code === "INVALID_TOKEN" || code === "TOKEN_EXPIRED";
    if (linkUnusable) jar.delete({ name: RESET_TOKEN_COOKIE, path: "/reset-password" });
    const reason = isAPIError(error) ? { status: error.statusCode, code } : { status: 500 };
    return { ok: false, error: authErrorMessage(reason, "reset"), linkUnusable };
  }
  jar.delete({ name: RESET_TOKEN_COOKIE, path: "/reset-password" });
  return { ok: true };
}
