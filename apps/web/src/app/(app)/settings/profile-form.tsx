"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { authErrorMessage } from "@/lib/auth-errors";

export function ProfileForm({ name: currentName }: { name: string }) {
  const router = useRouter();
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const trimmed = String(new FormData(form).get("name") ?? "").trim();
    if (!trimmed) return refuse("Enter your name.");
    await submit(async () => {
      const { error } = await authClient.updateUser({ name: trimmed });
      if (error) return failed(authErrorMessage(error, "settings", "We couldn't save your name."));
      const field = form.elements.namedItem("name");
      if (field instanceof HTMLInputElement) field.value = trimmed;
      router.refresh();
      return succeeded("Your name is saved.");
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field
        id="profile-name"
        label="Name"
        name="name"
        autoComplete="name"
        required
        maxLength={100}
        defaultValue={currentName}
      />
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Saving…" : "Save name"}
      </button>
    </form>
  );
}
