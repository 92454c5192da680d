"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { authErrorMessage } from "@/lib/auth-errors";

export function ProfileForm({ name: currentName }: { name: string }) {
  const router = useRouter();
  const [name, setName] = useState(currentName);
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return refuse("Enter your name.");
    await submit(async () => {
      const { error } = await authClient.updateUser({ name: trimmed });
      if (error) return failed(authErrorMessage(error, "settings", "We couldn't save your name."));
      setName(trimmed);
      router.refresh();
      return succeeded("Your name is saved.");
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="profile-name"
        label="Name"
        name="name"
        autoComplete="name"
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Saving…" : "Save name"}
      </button>
    </form>
  );
}
