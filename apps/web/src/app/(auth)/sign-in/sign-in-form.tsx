"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import styles from "../auth.module.css";
import { useAuthSubmission } from "../use-auth-submission";

export function SignInForm({ next, sessionEnded }: { next: string; sessionEnded: boolean }) {
  const { error, pending, submit } = useAuthSubmission(next, "sign-in");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    await submit(() => authClient.signIn.email({ email: email.trim(), password }));
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Sign in</h1>
      {sessionEnded && !error ? (
        <p className="alert alert-warning" role="status">
          Your session has ended — please sign in again
        </p>
      ) : null}
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
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
