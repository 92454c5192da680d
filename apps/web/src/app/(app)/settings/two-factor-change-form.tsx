"use client";

import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { twoFactorAuthClient, twoFactorErrorMessage } from "@/lib/two-factor-client";
import { useSubmission } from "@/lib/use-submission";
import styles from "./two-factor.module.css";

export type TwoFactorChange = "regenerate" | "disable";

const ENDPOINTS: Record<TwoFactorChange, string> = {
  regenerate: "/two-factor/generate-backup-codes",
  disable: "/two-factor/disable",
};

const TEXT: Record<TwoFactorChange, { intro: string; submit: string; busy: string; failure: string }> = {
  regenerate: {
    intro: "New codes replace all your current ones. Confirm with your password and a current code.",
    submit: "Generate new codes",
    busy: "Generating…",
    failure: "We couldn't generate new backup codes.",
  },
  disable: {
    intro:
      "Sign-in will ask for your password only. Confirm with your password and a code from your app (or a backup code).",
    submit: "Turn off two-factor",
    busy: "Turning off…",
    failure: "We couldn't turn two-factor off.",
  },
};

/**
 * A change Better Auth guards with the password alone and Tandem with the password plus a current
 * code (packages/auth two-factor rules): replacing the backup codes, or turning two-factor off.
 */
export function TwoFactorChangeForm({
  change,
  onDone,
  onCancel,
}: {
  change: TwoFactorChange;
  /** Called with the new backup codes (regenerate) or none (disable). */
  onDone: (backupCodes: string[] | null) => void;
  onCancel: () => void;
}) {
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");
  const text = TEXT[change];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const fields = new FormData(event.currentTarget);
    const password = String(fields.get("password") ?? "");
    const entered = String(fields.get("code") ?? "")
      .trim()
      .replace(/^(\d{3})\s+(\d{3})$/, "$1$2");
    if (!password || !entered) return refuse("Enter your password and a code.");
    await submit(async () => {
      const { data, error } = await twoFactorAuthClient.$fetch<{ backupCodes?: string[] }>(
        ENDPOINTS[change],
        {
          method: "POST",
          body: { password, code: entered },
        },
      );
      if (error) return failed(twoFactorErrorMessage(error, "settings", text.failure));
      onDone(change === "regenerate" ? (data?.backupCodes ?? []) : null);
      return null;
    });
  }

  const prefix = `two-factor-${change}`;
  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <p>{text.intro}</p>
      <FormStatus status={status} />
      <Field
        id={`${prefix}-password`}
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
      />
      <Field
        id={`${prefix}-code`}
        name="code"
        label="Authentication code"
        autoComplete="one-time-code"
        required
        hint={change === "disable" ? "From your authenticator app, or one of your backup codes." : undefined}
      />
      <div className={styles.actions}>
        <button type="submit" className="primary" disabled={disabled}>
          {pending ? text.busy : text.submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
