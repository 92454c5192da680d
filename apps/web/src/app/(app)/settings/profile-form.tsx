"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { failed, FormStatus, succeeded, useSubmission } from "./form-status";
import { settingsErrorMessage } from "./settings-errors";

export function ProfileForm({ name: currentName }: { name: string }) {
  const router = useRouter();
  const [name, setName] = useState(currentName);
  const { status, pending, submit, refuse } = useSubmission();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return refuse("Enter your name.");
    await submit(async () => {
      const { error } = await authClient.updateUser({ name: trimmed });
      if (error) return failed(settingsErrorMessage(error, "We couldn't save your name."));
      setName(trimmed);
      router.refresh();
      return succeeded("Your name is saved.");
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <div className="field">
        <label htmlFor="profile-name">Name</label>
        <input
          id="profile-name"
          name="name"
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Saving…" : "Save name"}
      </button>
    </form>
  );
}
