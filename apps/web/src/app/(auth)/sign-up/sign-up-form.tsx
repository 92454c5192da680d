"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { useEnterApp } from "@/lib/enter-app";
import { useSubmission } from "@/lib/use-submission";
import styles from "../auth.module.css";

const MIN_PASSWORD = 8;

export function SignUpForm({ next, verificationRequired }: { next: string; verificationRequired: boolean }) {
  const { status, pending, disabled, submit, refuse } = useSubmission("sign-up");
  const enterApp = useEnterApp();

  function localProblem({
    name,
    email,
    password,
    confirm,
  }: Record<"name" | "email" | "password" | "confirm", string>): string | null {
    if (name.trim() === "") return "Enter your name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return "Enter a valid email address.";
    if (password.length < MIN_PASSWORD)
      return `Your password is too short: use at least ${MIN_PASSWORD} characters.`;
    if (password !== confirm) return "The passwords don't match.";
    return null;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const field = (key: string) => String(data.get(key) ?? "");
    const [name, email, password, confirm] = [
      field("name"),
      field("email"),
      field("password"),
      field("confirm"),
    ];
    const problem = localProblem({ name, email, password, confirm });
    if (problem) return refuse(problem);
    await submit(async () => {
      const { error } = await authClient.signUp.email({ name: name.trim(), email: email.trim(), password });
      if (error) return failed(authErrorMessage(error, "sign-up"));
      // No session until the address is verified: the link in the email signs the user in.
      if (verificationRequired) {
        return succeeded(
          `Almost done: we've sent a link to ${email.trim()}. Open it within 24 hours to verify your ` +
            "address and sign in.",
        );
      }
      // `next` is already checked to be same-origin.
      enterApp(next);
      return null;
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Create your account</h1>
      <FormStatus status={status} />
      <Field id="name" name="name" label="Name" autoComplete="name" required />
      <Field id="email" name="email" type="email" label="Email" autoComplete="email" required />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        hint={`At least ${MIN_PASSWORD} characters.`}
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
      />
      <Field
        id="confirm"
        name="confirm"
        type="password"
        label="Confirm password"
        autoComplete="new-password"
        required
      />
      <button type="submit" className={`primary ${styles.submit}`} disabled={disabled}>
        {pending ? "Creating your account…" : "Sign up"}
      </button>
      <p className={styles.switch}>
        Already have an account?{" "}
        <Link href={next === "/tasks" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
