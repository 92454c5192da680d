"use client";

import { type FormEvent, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, useSubmission } from "./form-status";
import { settingsErrorMessage } from "./settings-errors";
import styles from "./settings.module.css";

const CONFIRMATION = "DELETE";

export function DeleteAccountForm() {
  const [password, setPassword] = useState("");
  const [typed, setTyped] = useState("");
  const { status, pending, submit, refuse } = useSubmission();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (typed !== CONFIRMATION) return refuse(`Type ${CONFIRMATION} to confirm.`);
    if (!password) return refuse("Enter your password.");
    await submit(async () => {
      const { error } = await authClient.deleteUser({ password });
      if (error) return failed(settingsErrorMessage(error, "We couldn't delete your account."));
      // A full navigation, so nothing of the deleted account stays in the client router's cache.
      window.location.assign("/");
      return "navigating";
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <div className="field">
        <label htmlFor="delete-password">Password</label>
        <input
          id="delete-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="delete-confirm">Type {CONFIRMATION} to confirm</label>
        <input
          id="delete-confirm"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </div>
      <button type="submit" className={styles.dangerButton} disabled={pending}>
        {pending ? "Deleting…" : "Delete account"}
      </button>
    </form>
  );
}
