"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { changeEmail } from "./actions";
import { FormStatus, type Status } from "./form-status";

export function ChangeEmailForm() {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setStatus({ kind: "error", text: "Enter a new email and your current password." });
      return;
    }
    setPending(true);
    setStatus(null);
    try {
      const result = await changeEmail(email, password);
      if (!result.ok) {
        setStatus({ kind: "error", text: result.error });
        return;
      }
      setEmail("");
      setPassword("");
      setStatus({ kind: "success", text: result.message ?? "Your email is changed." });
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: "We can't reach the server right now. Please try again." });
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <div className="field">
        <label htmlFor="new-email">New email</label>
        <input
          id="new-email"
          name="newEmail"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="email-current-password">Current password</label>
        <input
          id="email-current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Changing…" : "Change email"}
      </button>
    </form>
  );
}
