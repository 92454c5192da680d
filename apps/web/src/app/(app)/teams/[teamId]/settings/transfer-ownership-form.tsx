"use client";

import type { FormEvent } from "react";
import { failed, FormStatus } from "@/components/form-status";
import { transferOwnership } from "@/lib/team-client";
import { teamErrorMessage } from "@/lib/team-errors";
import { useSubmission } from "@/lib/use-submission";

export interface TransferOwnershipFormProps {
  teamId: string;
  teamName: string;
  /** Every member but the owner, admins first. */
  candidates: { memberId: string; name: string; email: string }[];
}

/**
 * The owner hands the team to another member: the two swap roles in one step (the new owner, and
 * the old one as admin), so the team always has exactly one owner (decision 016).
 */
export function TransferOwnershipForm({ teamId, teamName, candidates }: TransferOwnershipFormProps) {
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  if (candidates.length === 0) {
    return <p className="hint">Ownership can only go to another member: invite someone first.</p>;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: a choice made before hydration counts.
    const memberId = new FormData(event.currentTarget).get("memberId");
    const target = candidates.find((c) => c.memberId === memberId);
    if (target === undefined) return refuse("Choose the member who will own the team.");
    if (!window.confirm(`Make ${target.name} the owner of ${teamName}? You will become an admin.`)) return;
    await submit(async () => {
      const { error } = await transferOwnership(teamId, target.memberId);
      if (error) return failed(teamErrorMessage(error, "We couldn't transfer ownership."));
      // A full load: nearly every control on this page depends on being the owner.
      window.location.reload();
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <div className="field">
        <label htmlFor="new-owner">New owner</label>
        <select id="new-owner" name="memberId" defaultValue={candidates[0]?.memberId}>
          {candidates.map((c) => (
            <option key={c.memberId} value={c.memberId}>
              {`${c.name} (${c.email})`}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Transferring…" : "Transfer ownership"}
      </button>
    </form>
  );
}
