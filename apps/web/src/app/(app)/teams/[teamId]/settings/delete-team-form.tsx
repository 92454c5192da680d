"use client";

import type { FormEvent } from "react";
import styles from "@/app/(app)/settings/settings.module.css";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { teamErrorMessage } from "@/lib/team-errors";
import { useSubmission } from "@/lib/use-submission";

/** The owner deletes the team and its tasks, after typing its name (no undo). */
export function DeleteTeamForm({ teamId, teamName }: { teamId: string; teamName: string }) {
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const typed = String(new FormData(event.currentTarget).get("confirm") ?? "").trim();
    if (typed !== teamName) return refuse("Type the team's name exactly as it is shown to confirm.");
    await submit(async () => {
      const { error } = await teamClient.organization.delete({ organizationId: teamId });
      if (error) return failed(teamErrorMessage(error, "We couldn't delete the team."));
      // A full navigation: the header's teams and every cached page of this team must go.
      window.location.assign("/tasks");
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="delete-team-confirm"
        name="confirm"
        label="Type the team name to confirm"
        autoComplete="off"
        spellCheck={false}
        required
      />
      <button type="submit" className={styles.dangerButton} disabled={disabled}>
        {pending ? "Deleting…" : "Delete team"}
      </button>
    </form>
  );
}
