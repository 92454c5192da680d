import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { getAuth } from "@/lib/auth.server";
import { RESET_TOKEN_COOKIE } from "@/lib/reset-token";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

/** Whether the reset token is still stored and unexpired (it is deleted once used). */
async function usable(token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const { internalAdapter } = await getAuth().$context;
  const stored = await internalAdapter.findVerificationValue(`reset-password:${token}`);
  return stored !== null && stored.expiresAt > new Date();
}

/**
 * The reset link's page. The proxy has already moved the token from the URL into an HttpOnly
 * cookie (so it never reaches a Referer); a link that cannot work any more says so at once.
 */
export default async function ResetPasswordPage() {
  const token = (await cookies()).get(RESET_TOKEN_COOKIE)?.value;
  if (!(await usable(token))) {
    return (
      <div>
        <h1>Link expired</h1>
        <p className="alert alert-error" role="alert">
          This reset link has expired or has already been used. Reset links work once, within 1 hour.
        </p>
        <p>
          <Link href="/forgot-password">Send a new link</Link>
        </p>
      </div>
    );
  }
  return <ResetPasswordForm />;
}
