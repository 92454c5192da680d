"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, type Status, succeeded } from "@/components/form-status";
import { BackupCodes } from "./backup-codes";
import { type TwoFactorChange, TwoFactorChangeForm } from "./two-factor-change-form";
import { TwoFactorSetup } from "./two-factor-setup";
import styles from "./two-factor.module.css";

type Step =
  | { kind: "idle" }
  | { kind: "setup" }
  | { kind: "change"; change: TwoFactorChange }
  | { kind: "codes"; codes: string[]; enabledNow: boolean };

/**
 * The two-factor part of settings: turn it on (password, QR code, one code, then the backup codes
 * shown once), replace the backup codes, or turn it off (both with password plus code).
 */
export function TwoFactorSettings({ enabled, codesLeft }: { enabled: boolean; codesLeft: number | null }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [status, setStatus] = useState<Status>(null);
  const idle = () => setStep({ kind: "idle" });

  function begin(next: Step) {
    setStatus(null);
    setStep(next);
  }

  if (step.kind === "setup") {
    return (
      <TwoFactorSetup
        onCancel={idle}
        onEnabled={(codes) => setStep({ kind: "codes", codes, enabledNow: true })}
      />
    );
  }

  if (step.kind === "codes") {
    return (
      <div>
        {step.enabledNow ? (
          <p className="alert alert-success" role="status">
            Two-factor authentication is on. Sign-in will ask for a code from your app after your password.
          </p>
        ) : null}
        <BackupCodes
          codes={step.codes}
          onDone={() => {
            idle();
            // The server replaced this session when two-factor was turned on; the page reads anew.
            router.refresh();
          }}
        />
      </div>
    );
  }

  if (step.kind === "change") {
    const change = step.change;
    return (
      <TwoFactorChangeForm
        change={change}
        onCancel={idle}
        onDone={(codes) => {
          if (codes !== null) return setStep({ kind: "codes", codes, enabledNow: false });
          idle();
          setStatus(succeeded("Two-factor authentication is off."));
          router.refresh();
        }}
      />
    );
  }

  if (!enabled) {
    return (
      <div>
        <FormStatus status={status} />
        <p className={styles.status}>
          Add a second step when you sign in with your password: a 6-digit code from an authenticator app on
          your phone, so a stolen password alone can't get into your account.
        </p>
        <button type="button" className="primary" onClick={() => begin({ kind: "setup" })}>
          Enable two-factor
        </button>
      </div>
    );
  }

  return (
    <div>
      <FormStatus status={status} />
      <p className={styles.status}>
        <span className={styles.on}>Two-factor authentication is on.</span>{" "}
        {codesLeft === null
          ? null
          : `${codesLeft} backup code${codesLeft === 1 ? "" : "s"} left${codesLeft <= 3 ? " — consider generating new ones." : "."}`}
      </p>
      <div className={styles.actions}>
        <button type="button" onClick={() => begin({ kind: "change", change: "regenerate" })}>
          Regenerate backup codes
        </button>
        <button type="button" onClick={() => begin({ kind: "change", change: "disable" })}>
          Disable two-factor
        </button>
      </div>
    </div>
  );
}
