"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { changeEmail } from "./actions";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";

export function ChangeEmailForm() {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) return refuse("Enter a new email and your current password.");
    await submit(async () => {
      const result = await changeEmail(email, password);
      if (!result.ok) return failed(result.error);
      setEmail("");
      setPassword("");
      router.refresh();
      return succeeded(result.message ?? "Done.");
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="new-email"
        label="New email"
        name="newEmail"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        id="email-current-password"
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Changing…" : "Change email"}
      </button>
    </form>
  );
}
