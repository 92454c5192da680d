"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { FormStatus, type Status } from "./form-status";
import { settingsErrorMessage } from "./settings-errors";
import styles from "./settings.module.css";

export function ChangePasswordForm() {
  const router = useRouter();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!current || !next) {
      setStatus({ kind: "error", text: "Enter your current password and a new one." });
      return;
    }
    if (next.length < 8) {
      setStatus({ kind: "error", text: "The new password is too short: use at least 8 characters." });
      return;
    }
    if (next !== confirm) {
      setStatus({ kind: "error", text: "The new passwords don't match." });
      return;
    }
    setPending(true);
    setStatus(null);
    try {
      const { error } = await authClient.changePassword({
        currentPassword: current,
        newPassword: next,
        revokeOtherSessions: signOutOthers,
      });
      if (error) {
        setStatus({ kind: "error", text: settingsErrorMessage(error, "We couldn't change your password.") });
        return;
      }
      setCurrent("");
      setNext("");
      setConfirm("");
      setStatus({
        kind: "success",
        text: signOutOthers
          ? "Your password is changed, and your other devices are signed out."
          : "Your password is changed.",
      });
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: settingsErrorMessage(null, "") });
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <div className="field">
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
          aria-describedby="new-password-hint"
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <span id="new-password-hint" className="hint">
          At least 8 characters.
        </span>
      </div>
      <div className="field">
        <label htmlFor="confirm-password">Confirm new password</label>
        <input
          id="confirm-password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
      </div>
      <div className={styles.checkbox}>
        <input
          id="sign-out-others"
          type="checkbox"
          checked={signOutOthers}
          onChange={(e) => setSignOutOthers(e.target.checked)}
        />
        <label htmlFor="sign-out-others">Sign out my other devices</label>
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
