"use client";

import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { twoFactorAuthClient, twoFactorErrorMessage } from "@/lib/two-factor-client";
import { useSubmission } from "@/lib/use-submission";
import { QrCode } from "./qr-code";
import styles from "./two-factor.module.css";

interface Pending {
  totpURI: string;
  /** Issued with the secret, shown only once the first code has turned two-factor on. */
  backupCodes: string[];
}

/** The key inside an otpauth URI, in groups of four for typing into an app by hand. */
function keyOf(totpURI: string): string {
  const secret = new URL(totpURI).searchParams.get("secret") ?? "";
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/**
 * Turning two-factor on: the password, then the QR code and key, then one valid code. Better Auth
 * keeps the new secret unverified until that code arrives, so nothing changes for sign-in before.
 */
export function TwoFactorSetup({
  onEnabled,
  onCancel,
}: {
  onEnabled: (backupCodes: string[]) => void;
  onCancel: () => void;
}) {
  const [pending, setPending] = useState<Pending | null>(null);
  const submission = useSubmission("settings");

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const password = String(new FormData(form).get("password") ?? "");
    if (!password) return submission.refuse("Enter your password.");
    await submission.submit(async () => {
      const { data, error } = await twoFactorAuthClient.twoFactor.enable({ password });
      if (error || data?.method !== "totp") {
        return failed(twoFactorErrorMessage(error, "settings", "We couldn't start setting up two-factor."));
      }
      form.reset();
      setPending({ totpURI: data.totpURI, backupCodes: data.backupCodes });
      return null;
    });
  }

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const entered = String(new FormData(event.currentTarget).get("code") ?? "").replace(/\s+/g, "");
    if (!/^\d{6}$/.test(entered)) return submission.refuse("Enter the 6-digit code your app shows.");
    if (pending === null) return;
    await submission.submit(async () => {
      const { error } = await twoFactorAuthClient.twoFactor.verifyTotp({ code: entered });
      if (error) return failed(twoFactorErrorMessage(error, "settings", "We couldn't turn two-factor on."));
      onEnabled(pending.backupCodes);
      return null;
    });
  }

  if (pending === null) {
    return (
      <form method="post" onSubmit={start} noValidate>
        <p>Enter your password to set up two-factor authentication.</p>
        <FormStatus status={submission.status} />
        <Field
          id="two-factor-enable-password"
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
        />
        <div className={styles.actions}>
          <button type="submit" className="primary" disabled={submission.disabled}>
            {submission.pending ? "Checking…" : "Continue"}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <form method="post" onSubmit={verify} noValidate className={styles.setup}>
      <div className={styles.qr}>
        <QrCode value={pending.totpURI} label="QR code for your authenticator app" />
        <div>
          <p>Scan this QR code with your authenticator app, or enter this key by hand:</p>
          <p>
            <code className={styles.key} aria-label="Setup key">
              {keyOf(pending.totpURI)}
            </code>
          </p>
          <p>
            <a href={pending.totpURI}>Open in an authenticator app on this device</a>
          </p>
        </div>
      </div>
      <div>
        <FormStatus status={submission.status} />
        <Field
          id="two-factor-setup-code"
          name="code"
          label="Authentication code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          required
          hint="The 6-digit code your app shows for Tandem. Two-factor is turned on once it's right."
        />
        <div className={styles.actions}>
          <button type="submit" className="primary" disabled={submission.disabled}>
            {submission.pending ? "Verifying…" : "Verify and turn on"}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
