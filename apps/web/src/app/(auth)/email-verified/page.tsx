import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/lib/session.server";
import { listInvitationsFor } from "@/lib/teams.server";

export const metadata: Metadata = { title: "Email confirmation" };
export const dynamic = "force-dynamic";

const FAILURES: Record<string, string> = {
  TOKEN_EXPIRED: "This link has expired. Verification links work for 24 hours.",
  LINK_ALREADY_USED: "This link has already been used.",
  INVALID_TOKEN:
    "This link is not valid any more: it may have been used already, or a newer one replaced it.",
  USER_NOT_FOUND: "The account this link was for no longer exists.",
  INVALID_USER: "This link belongs to another account than the one signed in here.",
};

/**
 * Where Better Auth's `/api/auth/verify-email` sends the browser: `?error=CODE` when the link could
 * not be used, `?change=1` after an email change was confirmed.
 */
export default async function EmailVerifiedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const session = await getSession();
  const error = typeof params.error === "string" ? params.error : undefined;
  const next = session ? <Link href="/settings">Go to settings</Link> : <Link href="/sign-in">Sign in</Link>;
  if (error !== undefined) {
    return (
      <div>
        <h1>Link not usable</h1>
        <p className="alert alert-error" role="alert">
          {FAILURES[error] ?? "This link could not be used."}
        </p>
        <p>
          {session
            ? "You can send a new verification email from your settings."
            : "Sign in to send a new verification email from your settings."}
        </p>
        <p>{next}</p>
      </div>
    );
  }
  const changed = params.change === "1";
  // Someone who signed up from a team invitation lands here after verifying (the link's return
  // address is fixed, packages/auth links.ts): offer the way back to it.
  const invitations = session && !changed ? await listInvitationsFor(session.user.email) : [];
  return (
    <div>
      <h1>{changed ? "Email changed" : "Email verified"}</h1>
      <p className="alert alert-success" role="status">
        {changed
          ? "Your new email address is confirmed: it is now the one on your account."
          : "Your email address is verified. Thank you!"}
      </p>
      {invitations.map((invitation) => (
        <p key={invitation.id}>
          <a href={`/invitations/${encodeURIComponent(invitation.id)}`}>
            Open your invitation to join {invitation.teamName}
          </a>
        </p>
      ))}
      <p>{session ? <Link href="/tasks">Go to your tasks</Link> : <Link href="/sign-in">Sign in</Link>}</p>
    </div>
  );
}
