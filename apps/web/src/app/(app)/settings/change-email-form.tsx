"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { changeEmail } from "./actions";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";

export function ChangeEmailForm() {
  const router = useRouter();
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(form);
    const email = String(data.get("newEmail") ?? "");
    const password = String(data.get("currentPassword") ?? "");
    if (!email.trim() || !password) return refuse("Enter a new email and your current password.");
    await submit(async () => {
      const result = await changeEmail(email, password);
      if (!result.ok) return failed(result.error);
      form.reset();
      router.refresh();
      return succeeded(result.message ?? "Done.");
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field id="new-email" label="New email" name="newEmail" type="email" autoComplete="email" required />
      <Field
        id="email-current-password"
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
      />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Changing…" : "Change email"}
      </button>
    </form>
  );
}
