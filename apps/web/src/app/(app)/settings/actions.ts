"use server";

import { awaitingMail } from "@tandem/auth";
import { isAPIError } from "better-auth/api";
import { cookies, headers } from "next/headers";
import { emailEnabled, getAuth, getDatabase } from "@/lib/auth.server";
import { revalidatePath } from "next/cache";
import { type AuthFailure, authErrorMessage } from "@/lib/auth-errors";
import { VERIFY_BANNER_COOKIE } from "@/lib/verify-banner";

export type ActionResult = { ok: true; message?: string } | { ok: false; error: string };

/** The mail server refused or did not answer in time: nothing was sent, so say so and invite a retry. */
const MAIL_FAILED: ActionResult = {
  ok: false,
  error:
    "We couldn't send the email just now: the mail server did not take it. Please try again in a few minutes.",
};

const SIGNED_OUT: ActionResult = { ok: false, error: "Your session has ended. Sign in again, then retry." };

function failure(error: unknown, fallback: string): ActionResult {
  const reason: AuthFailure | null = isAPIError(error)
    ? { status: error.statusCode, code: error.body?.code }
    : { status: 500 };
  return { ok: false, error: authErrorMessage(reason, "settings", fallback) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Changes the signed-in user's email after checking their current password. Better Auth's
 * `/change-email` has no password check, so browsers cannot reach it (see the auth route handler).
 */
export async function changeEmail(newEmail: unknown, currentPassword: unknown): Promise<ActionResult> {
  if (typeof newEmail !== "string" || typeof currentPassword !== "string") {
    return { ok: false, error: "Enter a new email and your current password." };
  }
  const email = newEmail.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) return { ok: false, error: "Enter a valid email address." };
  if (!currentPassword) return { ok: false, error: "Enter your current password." };

  const auth = getAuth();
  const requestHeaders = await headers();
  const session = await auth.api.getSession({ headers: requestHeaders });
  if (!session) return SIGNED_OUT;
  if (email === session.user.email.toLowerCase()) {
    return { ok: false, error: "That is already your email address." };
  }

  // Wrong passwords here count towards the per-user lockout in the database (packages/auth
  // security hooks), shared by every web instance.
  try {
    await auth.api.verifyPassword({ headers: requestHeaders, body: { password: currentPassword } });
  } catch (error) {
    return failure(error, "We couldn't check your password. Please try again.");
  }

  // Better Auth answers success without doing anything when the address is taken (so as not to
  // reveal it); sign-up already tells, so say so rather than promise a mail that never comes.
  const taken = await getDatabase()
    .db.selectFrom("user")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirst();
  if (taken !== undefined) {
    return { ok: false, error: "An account with this email already exists. Use another email." };
  }
  let delivered: boolean;
  try {
    ({ delivered } = await awaitingMail(() =>
      auth.api.changeEmail({ headers: requestHeaders, body: { newEmail: email } }),
    ));
  } catch (error) {
    return failure(error, "We couldn't change your email. Please check the address.");
  }
  if (!delivered) return MAIL_FAILED;
  if (emailEnabled()) {
    return {
      ok: true,
      message:
        `We've sent a confirmation link to ${email}. Your email changes when you open it ` +
        `(within 24 hours); until then it stays ${session.user.email}.`,
    };
  }
  const after = await auth.api.getSession({ headers: requestHeaders });
  if (after?.user.email !== email) {
    return { ok: false, error: "An account with this email already exists. Use another email." };
  }
  return { ok: true, message: `Your email is now ${email}.` };
}

/** Signs out one of the user's other sessions, by id: session tokens never reach the browser. */
export async function revokeSession(sessionId: unknown): Promise<ActionResult> {
  if (typeof sessionId !== "string" || !sessionId) return { ok: false, error: "Unknown session." };
  const auth = getAuth();
  const requestHeaders = await headers();
  try {
    const session = await auth.api.getSession({ headers: requestHeaders });
    if (!session) return SIGNED_OUT;
    if (session.session.id === sessionId) {
      return { ok: false, error: "Use “Sign out” to end this device's session." };
    }
    const sessions = await auth.api.listSessions({ headers: requestHeaders });
    if (!sessions.some((s) => s.id === sessionId))
      return { ok: true, message: "That session had already ended." };
    await auth.api.revokeSessionById({ headers: requestHeaders, body: { sessionId } });
    return { ok: true, message: "Signed out that device." };
  } catch (error) {
    return failure(error, "We couldn't sign out that device. Please try again.");
  }
}

/** Signs out every session of the user except this one. */
export async function revokeOtherSessions(): Promise<ActionResult> {
  const auth = getAuth();
  const requestHeaders = await headers();
  try {
    const session = await auth.api.getSession({ headers: requestHeaders });
    if (!session) return SIGNED_OUT;
    await auth.api.revokeOtherSessions({ headers: requestHeaders });
    return { ok: true, message: "Signed out everywhere else." };
  } catch (error) {
    return failure(error, "We couldn't sign out your other devices. Please try again.");
  }
}

/** Sends a new verification link to the signed-in user's address. */
export async function resendVerification(): Promise<ActionResult> {
  const auth = getAuth();
  const requestHeaders = await headers();
  try {
    const session = await auth.api.getSession({ headers: requestHeaders });
    if (!session) return SIGNED_OUT;
    if (session.user.emailVerified) return { ok: true, message: "Your email is already verified." };
    const { delivered } = await awaitingMail(() =>
      auth.api.sendVerificationEmail({ headers: requestHeaders, body: { email: session.user.email } }),
    );
    if (!delivered) return MAIL_FAILED;
    return {
      ok: true,
      message: `We've sent a new verification link to ${session.user.email}. It works for 24 hours.`,
    };
  } catch (error) {
    return failure(error, "We couldn't send the verification email. Please try again in a moment.");
  }
}

/** The verification banner's "Dismiss": remembered in this browser for 30 days. */
export async function dismissVerificationBanner(): Promise<void> {
  (await cookies()).set(VERIFY_BANNER_COOKIE, "dismissed", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 30 * 24 * 3600,
  });
  revalidatePath("/", "layout");
}
