"use client";

import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { authErrorMessage } from "@/lib/auth-errors";
import { TEAM_ERROR_CODES } from "@tandem/auth/error-codes";
import styles from "./settings.module.css";

const CONFIRMATION = "DELETE";

export function DeleteAccountForm() {
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    const typed = String(data.get("confirmation") ?? "");
    if (typed !== CONFIRMATION) return refuse(`Type ${CONFIRMATION} to confirm.`);
    if (!password) return refuse("Enter your password.");
    await submit(async () => {
      const { error } = await authClient.deleteUser({ password });
      if (error?.code === TEAM_ERROR_CODES.TEAM_OWNERSHIP_HELD) {
        // Tandem's own wording, naming the team (packages/auth teams.plugin.ts releaseOwnedTeams).
        return failed(
          error.message ||
            "You own a team that has other members. Transfer ownership or delete the team first.",
        );
      }
      if (error) return failed(authErrorMessage(error, "settings", "We couldn't delete your account."));
      // A full navigation, so nothing of the deleted account stays in the client router's cache.
      window.location.assign("/");
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="delete-password"
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
      />
      <Field
        id="delete-confirm"
        name="confirmation"
        label={`Type ${CONFIRMATION} to confirm`}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
      />
      <button type="submit" className={styles.dangerButton} disabled={disabled}>
        {pending ? "Deleting…" : "Delete account"}
      </button>
    </form>
  );
}
