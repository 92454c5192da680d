"use client";

import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { useTeamAction } from "./use-team-action";

/** The owner renames the team (one line of 1–60 characters, checked again by the server). */
export function RenameTeamForm({
  teamId,
  name,
  maxLength,
}: {
  teamId: string;
  name: string;
  maxLength: number;
}) {
  const { status, pending, disabled, run, refuse } = useTeamAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const next = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (next === "") return refuse("Give the team a name.");
    if ([...next].length > maxLength) return refuse(`Team name must be at most ${maxLength} characters.`);
    if (next === name) return refuse("That is already the team's name.");
    await run(
      () => teamClient.organization.update({ organizationId: teamId, data: { name: next } }),
      `The team is now called ${next}.`,
      "We couldn't rename the team.",
    );
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="rename-team"
        name="name"
        label="Team name"
        autoComplete="off"
        required
        maxLength={maxLength}
        defaultValue={name}
      />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Renaming…" : "Rename team"}
      </button>
    </form>
  );
}
