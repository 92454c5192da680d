"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { authErrorMessage } from "@/lib/auth-errors";
import styles from "./settings.module.css";

export function ChangePasswordForm() {
  const router = useRouter();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [signOutOthers, setSignOutOthers] = useState(true);
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
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
      setCurrent("");
      setNext("");
      setConfirm("");
      router.refresh();
      return succeeded(
        signOutOthers
          ? "Your password is changed, and your other devices are signed out."
          : "Your password is changed.",
      );
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="current-password"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <Field
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={128}
        value={next}
        onChange={(e) => setNext(e.target.value)}
        hint="At least 8 characters."
      />
      <Field
        id="confirm-password"
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <div className={styles.checkbox}>
        <input
          id="sign-out-others"
          type="checkbox"
          checked={signOutOthers}
          onChange={(e) => setSignOutOthers(e.target.checked)}
        />
        <label htmlFor="sign-out-others">Sign out my other devices</label>
      </div>
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
