"use client";

import { failed, FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { teamErrorMessage } from "@/lib/team-errors";
import { useSubmission } from "@/lib/use-submission";

/** A member (not the owner, who transfers ownership first) leaves the team. */
export function LeaveTeam({ teamId, teamName }: { teamId: string; teamName: string }) {
  const { status, pending, disabled, submit } = useSubmission("settings");

  async function leave() {
    if (!window.confirm(`Leave ${teamName}? You will no longer see its tasks.`)) return;
    await submit(async () => {
      const { error } = await teamClient.organization.leave({ organizationId: teamId });
      if (error) return failed(teamErrorMessage(error, "We couldn't take you out of the team."));
      window.location.assign("/tasks");
      return "navigating";
    });
  }

  return (
    <>
      <FormStatus status={status} />
      <p className="hint">
        You will lose access to the team&apos;s tasks; tasks you created stay with the team.
      </p>
      <button type="button" disabled={disabled} onClick={() => void leave()}>
        {pending ? "Leaving…" : "Leave team"}
      </button>
    </>
  );
}
