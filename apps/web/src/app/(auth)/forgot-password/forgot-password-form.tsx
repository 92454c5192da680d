"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { useSubmission } from "@/lib/use-submission";
import styles from "../auth.module.css";

/**
 * Asks for a reset link. The answer is the same whether or not the address has an account (the
 * server answers alike, and no sooner than a fixed floor), so this page never tells either.
 */
export function ForgotPasswordForm({ emailOn, initialEmail }: { emailOn: boolean; initialEmail: string }) {
  const { status, pending, disabled, submit, refuse } = useSubmission("reset");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return refuse("Enter a valid email address.");
    await submit(async () => {
      const { error } = await authClient.requestPasswordReset({ email });
      if (error) return failed(authErrorMessage(error, "reset"));
      return succeeded(
        `If an account exists for ${email}, we've sent it a link to reset the password. The link works once, ` +
          "within 1 hour. Nothing arrived? Check your spam folder, or send the link again.",
      );
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Forgot your password?</h1>
      {emailOn ? (
        <p className={styles.lead}>
          Enter your account's email and we'll send you a link to choose a new password.
        </p>
      ) : (
        <p className="alert alert-warning" role="status">
          Password reset by email isn't available on this server. Please contact its administrator.
        </p>
      )}
      <FormStatus status={status} />
      <Field
        id="email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        required
        defaultValue={initialEmail}
      />
      <button type="submit" className={`primary ${styles.submit}`} disabled={disabled || !emailOn}>
        {pending ? "Sending…" : "Send reset link"}
      </button>
      <p className={styles.switch}>
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
