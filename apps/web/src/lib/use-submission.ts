"use client";

import { useState } from "react";
import { failed, type Outcome, type Status } from "@/components/form-status";
import { authErrorMessage, type FailureContext } from "./auth-errors";
import { useHydrated } from "./use-hydrated";

/**
 * The status and busy state of a form: one submission at a time, the previous status cleared when
 * a new one starts, and a thrown error (no network) shown as a readable message for `context`.
 * `disabled` is for the form's buttons: true while a submission runs and until the page has hydrated.
 *
 * @example
 * const { status, pending, disabled, submit, refuse } = useSubmission("settings");
 * await submit(async () => ((await save()).error ? failed("We couldn't save.") : succeeded("Saved.")));
 */
export function useSubmission(context: FailureContext) {
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function submit(action: () => Promise<Outcome>): Promise<void> {
    setPending(true);
    setStatus(null);
    let outcome: Outcome;
    try {
      outcome = await action();
    } catch {
      outcome = failed(authErrorMessage(null, context));
    }
    if (outcome === "navigating") return;
    setStatus(outcome);
    setPending(false);
  }

  return {
    status,
    pending,
    disabled: pending || !hydrated,
    submit,
    refuse: (text: string) => setStatus(failed(text)),
  };
}
