"use client";

import { useState } from "react";
import styles from "@/app/(app)/settings/settings.module.css";
import { FormStatus, succeeded } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { useTeamAction } from "./use-team-action";

export interface InvitationRow {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
  /** Formatted by the server, so the first render and hydration agree. */
  expiresLabel: string;
}

/** The invitation page's address; the id is the invitation's secret, so the link is shown only here. */
const invitationLink = (id: string) => `${window.location.origin}/invitations/${encodeURIComponent(id)}`;

/** Invitations not yet accepted, declined or expired, with their link to copy and "Revoke". */
export function PendingInvitations({ invitations }: { invitations: InvitationRow[] }) {
  const { status, disabled, run } = useTeamAction();
  const [copied, setCopied] = useState<ReturnType<typeof succeeded>>(null);
  // Where the clipboard refused (an insecure origin, a denied permission): the link to copy by hand.
  const [shown, setShown] = useState<{ id: string; link: string } | null>(null);

  async function copy(id: string) {
    const link = invitationLink(id);
    setShown(null);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(succeeded("Link copied. Send it to the person you invited."));
    } catch {
      setCopied(null);
      setShown({ id, link });
    }
  }

  function revoke(invitation: InvitationRow) {
    setCopied(null);
    void run(
      () => teamClient.organization.cancelInvitation({ invitationId: invitation.id }),
      `The invitation to ${invitation.email} is revoked.`,
      "We couldn't revoke the invitation.",
    );
  }

  if (invitations.length === 0) {
    return (
      <>
        <FormStatus status={status} />
        <p className="hint">No pending invitations.</p>
      </>
    );
  }
  return (
    <>
      <FormStatus status={copied ?? status} />
      <ul className={styles.sessions} aria-label="Pending invitations">
        {invitations.map((invitation) => (
          <li key={invitation.id} className={styles.session}>
            <div>
              <strong>{invitation.email}</strong>
              <p className={styles.sessionMeta}>
                {invitation.role} · Expires{" "}
                <time dateTime={invitation.expiresAt}>{invitation.expiresLabel}</time>
              </p>
              {shown?.id === invitation.id ? (
                <div className="field">
                  <label htmlFor={`link-${invitation.id}`}>Invitation link</label>
                  <input
                    id={`link-${invitation.id}`}
                    readOnly
                    value={shown.link}
                    onFocus={(e) => e.currentTarget.select()}
                  />
                </div>
              ) : null}
            </div>
            <div className={styles.memberControls}>
              <button type="button" onClick={() => void copy(invitation.id)}>
                Copy link
              </button>
              <button type="button" disabled={disabled} onClick={() => revoke(invitation)}>
                Revoke
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
