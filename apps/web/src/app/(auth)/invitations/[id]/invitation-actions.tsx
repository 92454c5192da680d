"use client";

import { useState } from "react";
import { failed, FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { teamErrorMessage } from "@/lib/team-errors";
import { teamTasksUrl } from "@/lib/teams";
import { useSubmission } from "@/lib/use-submission";
import styles from "../../auth.module.css";

/** "Accept invitation" (then the team's list) and "Decline" (then the personal list). */
export function InvitationActions({ invitationId, teamId }: { invitationId: string; teamId: string }) {
  const { status, pending, disabled, submit } = useSubmission("settings");
  const [choice, setChoice] = useState<"accept" | "decline" | null>(null);

  async function answer(accept: boolean) {
    setChoice(accept ? "accept" : "decline");
    await submit(async () => {
      const { error } = accept
        ? await teamClient.organization.acceptInvitation({ invitationId })
        : await teamClient.organization.rejectInvitation({ invitationId });
      if (error) {
        return failed(
          teamErrorMessage(error, `We couldn't ${accept ? "accept" : "decline"} the invitation.`),
        );
      }
      // Full navigations: the header's list of teams is rendered by the server.
      window.location.assign(accept ? teamTasksUrl(teamId) : "/tasks");
      return "navigating";
    });
  }

  return (
    <div>
      <FormStatus status={status} />
      <div className={styles.actions}>
        <button type="button" className="primary" disabled={disabled} onClick={() => void answer(true)}>
          {pending && choice === "accept" ? "Joining…" : "Accept invitation"}
        </button>
        <button type="button" disabled={disabled} onClick={() => void answer(false)}>
          {pending && choice === "decline" ? "Declining…" : "Decline"}
        </button>
      </div>
    </div>
  );
}
