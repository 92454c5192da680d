"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import {
  ACCESS_TOKEN_EXPIRY_DAYS,
  ACCESS_TOKEN_MAX_DAYS,
  ACCESS_TOKEN_NAME_MAX,
  type AccessTokenScope,
  accessTokenNameProblem,
  type CreatedAccessToken,
} from "@tandem/contracts/access-tokens";
import { Field } from "@/components/field";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { useSubmission } from "@/lib/use-submission";
import { accessTokenErrorMessage } from "./access-token-errors";
import styles from "./access-tokens.module.css";

const EXPIRY_LABELS: Record<(typeof ACCESS_TOKEN_EXPIRY_DAYS)[number], string> = {
  7: "7 days",
  30: "30 days",
  90: "90 days",
  365: "1 year",
};

const SCOPES: { value: AccessTokenScope; label: string; hint: string }[] = [
  { value: "read", label: "Read-only", hint: "Can read your tasks." },
  { value: "write", label: "Read and write", hint: "Can also create, change and delete your tasks." },
];

/** `YYYY-MM-DD` of the local day `days` after today, as a date input takes it. */
function localDay(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A chosen date expires the token as that day begins, in the browser's time zone. */
function startOfLocalDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

function expiryBody(
  expiry: string,
  customDate: string,
): { expiresInDays: number } | { expiresAt: string } | string {
  if (expiry !== "custom") return { expiresInDays: Number(expiry) };
  const date = startOfLocalDay(customDate);
  if (date === null) return "Choose the date the token expires.";
  if (customDate < localDay(1) || customDate > localDay(ACCESS_TOKEN_MAX_DAYS)) {
    return "Choose an expiry between tomorrow and one year from today.";
  }
  return { expiresAt: date.toISOString() };
}

/** Creates a token and shows it this once, with Copy. */
export function AccessTokenCreateForm() {
  const router = useRouter();
  // Only decides whether the date field shows; the submission reads the form itself.
  const [expiry, setExpiry] = useState("30");
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const { status, pending, disabled, submit, refuse } = useSubmission("settings");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: what was typed or chosen before hydration counts.
    const data = new FormData(form);
    const name = String(data.get("name") ?? "");
    const chosenExpiry = String(data.get("expiry") ?? "30");
    const scope = SCOPES.find((option) => option.value === data.get("scope"))?.value;
    if (name.trim() === "") return refuse("Give the token a name.");
    const problem = accessTokenNameProblem(name);
    if (problem !== null) return refuse(problem);
    if (scope === undefined) return refuse("Choose the token's scope.");
    // A date chosen before hydration left the date field hidden: show it and ask for the date.
    if (chosenExpiry !== expiry) setExpiry(chosenExpiry);
    const when = expiryBody(chosenExpiry, String(data.get("expiresOn") ?? ""));
    if (typeof when === "string") return refuse(when);
    setCreated(null);
    await submit(async () => {
      const { data: made, error } = await authClient.$fetch<CreatedAccessToken>("/access-tokens/create", {
        method: "POST",
        body: { name: name.trim(), scope, ...when },
      });
      if (error || !made) return failed(accessTokenErrorMessage(error, "We couldn't create the token."));
      setCreated({ name: made.accessToken.name, secret: made.secret });
      setCopied(null);
      form.reset();
      setExpiry("30");
      router.refresh();
      return succeeded(`Token “${made.accessToken.name}” created.`);
    });
  }

  async function copy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <>
      {created === null ? null : (
        <div className={styles.created} role="region" aria-label="New access token">
          <p>
            <strong>Copy your new token now: you won&apos;t see it again.</strong> Store it where your script
            can read it, such as a secret manager or an environment variable.
          </p>
          <div className={styles.secretRow}>
            <label htmlFor="new-access-token" className="sr-only">
              Token for {created.name}
            </label>
            <input
              id="new-access-token"
              readOnly
              value={created.secret}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" className="primary" onClick={() => void copy(created.secret)}>
              Copy
            </button>
          </div>
          <p className="hint" aria-live="polite">
            {copied === true ? "Copied to the clipboard." : null}
            {copied === false ? "Couldn't copy: select the token and copy it yourself." : null}
          </p>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      <form method="post" onSubmit={onSubmit} noValidate aria-label="Create an access token">
        <FormStatus status={status} />
        <Field
          id="access-token-name"
          name="name"
          label="Name"
          required
          maxLength={ACCESS_TOKEN_NAME_MAX}
          autoComplete="off"
          hint="What uses it, e.g. “Backup script”."
        />
        <div className="field">
          <label htmlFor="access-token-expiry">Expiry</label>
          <select
            id="access-token-expiry"
            name="expiry"
            defaultValue="30"
            onChange={(e) => setExpiry(e.target.value)}
          >
            {ACCESS_TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={String(days)}>
                {EXPIRY_LABELS[days]}
              </option>
            ))}
            <option value="custom">Choose a date…</option>
          </select>
        </div>
        {expiry === "custom" ? (
          <Field
            id="access-token-expiry-date"
            name="expiresOn"
            label="Expiry date"
            type="date"
            required
            min={localDay(1)}
            max={localDay(ACCESS_TOKEN_MAX_DAYS)}
            hint="At most one year from today. The token stops working as that day begins."
          />
        ) : null}
        <fieldset className={styles.scopes}>
          <legend>Scope</legend>
          {SCOPES.map((option) => (
            <div key={option.value} className={styles.scope}>
              <input
                id={`access-token-scope-${option.value}`}
                type="radio"
                name="scope"
                value={option.value}
                defaultChecked={option.value === "read"}
                aria-describedby={`access-token-scope-${option.value}-hint`}
              />
              <label htmlFor={`access-token-scope-${option.value}`}>{option.label}</label>
              <span id={`access-token-scope-${option.value}-hint`} className="hint">
                {option.hint}
              </span>
            </div>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={disabled}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
    </>
  );
}
