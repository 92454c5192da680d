"use client";

import Link from "next/link";
import type { FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import styles from "../auth.module.css";
import { useAuthSubmission } from "../use-auth-submission";

const MIN_PASSWORD = 8;

export function SignUpForm({ next }: { next: string }) {
  const { error, pending, submit, refuse } = useAuthSubmission(next, "sign-up");

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
    await submit(() => authClient.signUp.email({ name: name.trim(), email: email.trim(), password }));
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Create your account</h1>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="name">Name</label>
        <input id="name" name="name" autoComplete="name" required />
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          aria-describedby="password-hint"
        />
        <span id="password-hint" className="hint">
          At least {MIN_PASSWORD} characters.
        </span>
      </div>
      <div className="field">
        <label htmlFor="confirm">Confirm password</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </div>
      <button type="submit" className={`primary ${styles.submit}`} disabled={pending}>
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
