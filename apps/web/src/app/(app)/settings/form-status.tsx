"use client";

import { useState } from "react";
import { settingsErrorMessage } from "./settings-errors";
import styles from "./settings.module.css";

export type Status = { kind: "success" | "error"; text: string } | null;

/** What a submission ends in: a status to show, or a navigation away (the form stays busy). */
export type Outcome = Status | "navigating";

export const failed = (text: string): Status => ({ kind: "error", text });
export const succeeded = (text: string): Status => ({ kind: "success", text });

/**
 * The status and busy state shared by the settings forms: one submission at a time, the previous
 * status cleared when a new one starts, and a thrown error (no network) shown as a readable message.
 */
export function useSubmission() {
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);

  async function submit(action: () => Promise<Outcome>): Promise<void> {
    setPending(true);
    setStatus(null);
    let outcome: Outcome;
    try {
      outcome = await action();
    } catch {
      outcome = failed(settingsErrorMessage(null, ""));
    }
    if (outcome === "navigating") return;
    setStatus(outcome);
    setPending(false);
  }

  return { status, pending, submit, refuse: (text: string) => setStatus(failed(text)) };
}

/** The outcome of a settings form: announced politely on success, assertively on failure. */
export function FormStatus({ status }: { status: Status }) {
  if (!status) return null;
  return status.kind === "success" ? (
    <p className={`alert ${styles.success}`} role="status">
      {status.text}
    </p>
  ) : (
    <p className="alert alert-error" role="alert">
      {status.text}
    </p>
  );
}
