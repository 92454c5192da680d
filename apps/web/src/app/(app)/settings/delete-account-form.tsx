"use client";

import { type FormEvent, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { FormStatus, type Status } from "./form-status";
import { settingsErrorMessage } from "./settings-errors";
import styles from "./settings.module.css";

const CONFIRMATION = "DELETE";

export function DeleteAccountForm() {
  const [password, setPassword] = useState("");
  const [typed, setTyped] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (typed !== CONFIRMATION) {
      setStatus({ kind: "error", text: `Type ${CONFIRMATION} to confirm.` });
      return;
    }
    if (!password) {
      setStatus({ kind: "error", text: "Enter your password." });
      return;
    }
    setPending(true);
    setStatus(null);
    try {
      const { error } = await authClient.deleteUser({ password });
      if (error) {
        setStatus({ kind: "error", text: settingsErrorMessage(error, "We couldn't delete your account.") });
        setPending(false);
        return;
      }
      // A full navigation, so nothing of the deleted account stays in the client router's cache.
      window.location.assign("/");
    } catch {
      setStatus({ kind: "error", text: settingsErrorMessage(null, "") });
      setPending(false);
    }
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
