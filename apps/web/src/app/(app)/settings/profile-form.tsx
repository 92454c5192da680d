"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { FormStatus, type Status } from "./form-status";
import { settingsErrorMessage } from "./settings-errors";

export function ProfileForm({ name: currentName }: { name: string }) {
  const router = useRouter();
  const [name, setName] = useState(currentName);
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setStatus({ kind: "error", text: "Enter your name." });
      return;
    }
    setPending(true);
    setStatus(null);
    try {
      const { error } = await authClient.updateUser({ name: trimmed });
      if (error) {
        setStatus({ kind: "error", text: settingsErrorMessage(error, "We couldn't save your name.") });
        return;
      }
      setName(trimmed);
      setStatus({ kind: "success", text: "Your name is saved." });
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: settingsErrorMessage(null, "") });
    } finally {
      setPending(false);
    }
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
