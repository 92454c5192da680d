"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { authErrorMessage } from "@/lib/auth-errors";
import styles from "./settings.module.css";

export function ChangePasswordForm() {
  const router = useRouter();
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: what was typed or chosen before hydration counts.
    const data = new FormData(form);
    const current = String(data.get("currentPassword") ?? "");
    const next = String(data.get("newPassword") ?? "");
    const confirm = String(data.get("confirmPassword") ?? "");
    const signOutOthers = data.get("signOutOthers") !== null;
    if (!current || !next) return refuse("Enter your current password and a new one.");
    if (next.length < 8) return refuse("The new password is too short: use at least 8 characters.");
    if (next !== confirm) return refuse("The new passwords don't match.");
    await submit(async () => {
      const { error } = await authClient.changePassword({
        currentPassword: current,
        newPassword: next,
        revokeOtherSessions: signOutOthers,
      });
      if (error) return failed(authErrorMessage(error, "settings", "We couldn't change your password."));
      form.reset();
      router.refresh();
      return succeeded(
        signOutOthers
          ? "Your password is changed, and your other devices are signed out."
          : "Your password is changed.",
      );
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="current-password"
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
      />
      <Field
        id="new-password"
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        hint="At least 8 characters."
      />
      <Field
        id="confirm-password"
        name="confirmPassword"
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        required
      />
      <div className={styles.checkbox}>
        <input id="sign-out-others" name="signOutOthers" type="checkbox" defaultChecked />
        <label htmlFor="sign-out-others">Sign out my other devices</label>
      </div>
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
