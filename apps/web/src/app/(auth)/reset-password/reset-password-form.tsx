"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import styles from "../auth.module.css";
import { resetPassword } from "./actions";

export function ResetPasswordForm() {
  const { status, pending, disabled, submit, refuse } = useSubmission("reset");
  const [linkUnusable, setLinkUnusable] = useState(false);
  const router = useRouter();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    const confirm = String(data.get("confirm") ?? "");
    if (password !== confirm) return refuse("The passwords don't match.");
    await submit(async () => {
      const result = await resetPassword(password, confirm);
      if (!result.ok) {
        setLinkUnusable(result.linkUnusable);
        return failed(result.error);
      }
      router.replace("/sign-in?reason=password-reset");
      return "navigating";
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Choose a new password</h1>
      <p className={styles.lead}>After the reset, every device signed in to your account is signed out.</p>
      <FormStatus status={status} />
      {linkUnusable ? (
        <p>
          <Link href="/forgot-password">Send a new link</Link>
        </p>
      ) : null}
      <Field
        id="password"
        name="password"
        type="password"
        label="New password"
        autoComplete="new-password"
        hint="At least 8 characters."
        required
      />
      <Field
        id="confirm"
        name="confirm"
        type="password"
        label="Confirm password"
        autoComplete="new-password"
        required
      />
      <button type="submit" className={`primary ${styles.submit}`} disabled={disabled || linkUnusable}>
        {pending ? "Resetting…" : "Reset password"}
      </button>
    </form>
  );
}
