"use client";

import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { teamErrorMessage } from "@/lib/team-errors";
import { teamTasksUrl } from "@/lib/teams";
import { useSubmission } from "@/lib/use-submission";
import { teamSlug } from "./team-slug";

/** Creates a team (the creator becomes its owner) and opens its list. */
export function NewTeamForm({ maxLength }: { maxLength: number }) {
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (name === "") return refuse("Give the team a name.");
    // Code points, as the server counts them (an emoji is one character).
    if ([...name].length > maxLength) return refuse(`Team name must be at most ${maxLength} characters.`);
    await submit(async () => {
      const { data, error } = await teamClient.organization.create({
        name,
        slug: teamSlug(name),
        // Tandem never relies on the session's active organization: leave the session alone.
        keepCurrentActiveOrganization: true,
      });
      if (error || !data) return failed(teamErrorMessage(error, "We couldn't create the team."));
      // A full navigation: the header's list of teams is rendered by the server.
      window.location.assign(teamTasksUrl(data.id));
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field id="team-name" name="name" label="Team name" autoComplete="off" required maxLength={maxLength} />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Creating…" : "Create team"}
      </button>
    </form>
  );
}
