"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { useSubmission } from "@/lib/use-submission";
import styles from "../auth.module.css";

export function SignInForm({ next, sessionEnded }: { next: string; sessionEnded: boolean }) {
  const { status, pending, submit } = useSubmission("sign-in");
  const router = useRouter();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    await submit(async () => {
      const { error } = await authClient.signIn.email({ email: email.trim(), password });
      if (error) return failed(authErrorMessage(error, "sign-in"));
      // `next` is already checked to be same-origin.
      router.replace(next);
      router.refresh();
      return null;
    });
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Sign in</h1>
      {sessionEnded && !status ? (
        <p className="alert alert-warning" role="status">
          Your session has ended — please sign in again
        </p>
      ) : null}
      <FormStatus status={status} />
      <Field id="email" name="email" type="email" label="Email" autoComplete="email" required />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="current-password"
        required
      />
      <button type="submit" className={`primary ${styles.submit}`} disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className={styles.switch}>
        New to Tandem?{" "}
        <Link href={next === "/tasks" ? "/sign-up" : `/sign-up?next=${encodeURIComponent(next)}`}>
          Create an account
        </Link>
      </p>
    </form>
  );
}
