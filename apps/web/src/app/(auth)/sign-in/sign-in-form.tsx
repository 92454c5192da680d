"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "@/lib/auth-errors";
import { useEnterApp } from "@/lib/enter-app";
import { useSubmission } from "@/lib/use-submission";
import styles from "../auth.module.css";
import { TwoFactorStep } from "./two-factor-step";

export function SignInForm({ next, notice }: { next: string; notice: string | null }) {
  const { status, pending, disabled, submit, refuse } = useSubmission("sign-in");
  const enterApp = useEnterApp();
  // The password was right and the account has two-factor on: the code step replaces this form.
  const [codeStep, setCodeStep] = useState(false);
  const resend = useSubmission("sign-in");
  // Set when sign-in was refused because the address awaits verification (AUTH_REQUIRE_EMAIL_VERIFICATION).
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);

  async function resendVerification() {
    if (unverifiedEmail === null) return;
    const email = unverifiedEmail;
    await resend.submit(async () => {
      const { error } = await authClient.sendVerificationEmail({ email });
      if (error) return failed(authErrorMessage(error, "sign-in"));
      return succeeded(`We've sent a new verification link to ${email}. It works for 24 hours.`);
    });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "");
    const password = String(data.get("password") ?? "");
    await submit(async () => {
      const { data, error } = await authClient.signIn.email({ email: email.trim(), password });
      setUnverifiedEmail(error?.code === "EMAIL_NOT_VERIFIED" ? email.trim() : null);
      if (error) return failed(authErrorMessage(error, "sign-in"));
      if (data !== null && "twoFactorRedirect" in data && data.twoFactorRedirect === true) {
        setCodeStep(true);
        return null;
      }
      // `next` is already checked to be same-origin.
      enterApp(next);
      return null;
    });
  }

  if (codeStep) {
    return (
      <TwoFactorStep
        next={next}
        onRestart={(message) => {
          setCodeStep(false);
          if (message !== null) refuse(message);
        }}
      />
    );
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <h1>Sign in</h1>
      {notice !== null && !status ? (
        <p className="alert alert-warning" role="status">
          {notice}
        </p>
      ) : null}
      <FormStatus status={status} />
      {unverifiedEmail !== null ? (
        <div>
          <FormStatus status={resend.status} />
          <button type="button" onClick={resendVerification} disabled={resend.disabled}>
            {resend.pending ? "Sending…" : "Resend verification email"}
          </button>
        </div>
      ) : null}
      <Field id="email" name="email" type="email" label="Email" autoComplete="username webauthn" required />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="current-password"
        required
      />
      <p className={styles.forgot}>
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <button type="submit" className={`primary ${styles.submit}`} disabled={disabled}>
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
