"use client";

import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { useEnterApp } from "@/lib/enter-app";
import { mustRestartSignIn, twoFactorAuthClient, twoFactorErrorMessage } from "@/lib/two-factor-client";
import { useSubmission } from "@/lib/use-submission";
import styles from "./two-factor-step.module.css";

/**
 * The second step of a sign-in with two-factor on: the password was right, and the server holds
 * only a short-lived two-factor cookie (no session) until a code from the authenticator app or a
 * backup code is entered here.
 */
export function TwoFactorStep({
  next,
  onRestart,
}: {
  /** Where to go once signed in (checked to be same-origin already). */
  next: string;
  /** Back to the password step, with the reason to show there (null when the user chose to). */
  onRestart: (message: string | null) => void;
}) {
  const enterApp = useEnterApp();
  const [backup, setBackup] = useState(false);
  const { status, pending, disabled, submit } = useSubmission("sign-in");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const entered = String(data.get("code") ?? "").trim();
    const trustDevice = data.get("trust-device") === "on";
    await submit(async () => {
      const { error } = backup
        ? await twoFactorAuthClient.twoFactor.verifyBackupCode({ code: entered, trustDevice })
        : await twoFactorAuthClient.twoFactor.verifyTotp({ code: entered.replace(/\s+/g, ""), trustDevice });
      if (error) {
        if (mustRestartSignIn(error)) {
          onRestart(twoFactorErrorMessage(error, "sign-in"));
          return "navigating";
        }
        return failed(twoFactorErrorMessage(error, "sign-in"));
      }
      enterApp(next);
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Two-factor authentication</h1>
      <p className={styles.lead}>
        {backup
          ? "Enter one of your backup codes. Each code works once."
          : "Enter the 6-digit code from your authenticator app."}
      </p>
      <FormStatus status={status} />
      <Field
        // A new input when the kind of code changes: what was typed for one is no use for the other.
        key={backup ? "backup" : "app"}
        id="code"
        name="code"
        label={backup ? "Backup code" : "Authentication code"}
        autoComplete="one-time-code"
        inputMode={backup ? "text" : "numeric"}
        autoCapitalize="off"
        spellCheck={false}
        autoFocus
        required
      />
      <div className={styles.checkbox}>
        <input id="trust-device" name="trust-device" type="checkbox" />
        <label htmlFor="trust-device">Trust this device for 30 days</label>
      </div>
      <button type="submit" className={`primary ${styles.submit}`} disabled={disabled}>
        {pending ? "Verifying…" : "Verify"}
      </button>
      <div className={styles.options}>
        <button
          type="button"
          role="switch"
          aria-checked={backup}
          className={styles.link}
          onClick={() => setBackup((on) => !on)}
        >
          Use a backup code
        </button>
        <button type="button" className={styles.link} onClick={() => onRestart(null)}>
          Start over
        </button>
      </div>
    </form>
  );
}
