import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/sign-out-button";
import { getSession } from "@/lib/session.server";
import { teamTasksUrl, withArticle } from "@/lib/teams";
import { isTeamMember, loadInvitation } from "@/lib/teams.server";
import { InvitationActions } from "./invitation-actions";

// The link is the invitation's secret: keep the page out of search engines and caches.
export const metadata: Metadata = { title: "Team invitation", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

const INVALID = "This invitation is no longer valid.";

/**
 * Where an invitation's link leads (decision 016). It works signed out (the proxy lets everyone
 * in): the visitor signs up or signs in and comes back here. Only the account whose email is the
 * invited one may accept or decline, which Better Auth checks again.
 */
export default async function InvitationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [invitation, session] = await Promise.all([loadInvitation(id), getSession()]);
  const here = `/invitations/${encodeURIComponent(id)}`;

  if (invitation === null || !invitation.usable) {
    return (
      <Page title="Team invitation">
        <p className="alert alert-error" role="alert">
          {INVALID}
        </p>
        <p className="hint">
          Invitations work once and expire after 7 days. Ask for a new one if you need it.
        </p>
        <p>{session ? <a href="/tasks">Go to your tasks</a> : <Link href="/sign-in">Sign in</Link>}</p>
      </Page>
    );
  }

  const title = `Join ${invitation.teamName}`;
  const sentence = (
    <p>
      {`${invitation.inviterName ?? "Someone"} invited you to join ${invitation.teamName} as ${invitation.role}.`}
    </p>
  );
  if (session === null) {
    const next = `?next=${encodeURIComponent(here)}`;
    return (
      <Page title={title}>
        {sentence}
        <p className="hint">
          Sign up or sign in with the email address the invitation was sent to; you will come back here.
        </p>
        <p>
          <Link href={`/sign-up${next}`}>Sign up</Link> · <Link href={`/sign-in${next}`}>Sign in</Link>
        </p>
      </Page>
    );
  }
  if (session.user.email.toLowerCase() !== invitation.email.toLowerCase()) {
    return (
      <Page title={title}>
        {sentence}
        <p className="alert alert-warning" role="status">
          This invitation was sent to another email address.
        </p>
        <p className="hint">
          You are signed in as {session.user.email}. Sign out, then sign in (or sign up) with the invited
          address.
        </p>
        <SignOutButton then={here} />
      </Page>
    );
  }
  if (await isTeamMember(invitation.teamId, session.user.id)) {
    return (
      <Page title={title}>
        <p>You are already a member of {invitation.teamName}.</p>
        <p>
          <a href={teamTasksUrl(invitation.teamId)}>Open {invitation.teamName}</a>
        </p>
      </Page>
    );
  }
  return (
    <Page title={title}>
      {sentence}
      <p className="hint">
        As {withArticle(invitation.role)}, you will see the team&apos;s tasks in your lists.
      </p>
      <InvitationActions invitationId={invitation.id} teamId={invitation.teamId} />
    </Page>
  );
}

function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <h1>{title}</h1>
      {children}
    </div>
  );
}
