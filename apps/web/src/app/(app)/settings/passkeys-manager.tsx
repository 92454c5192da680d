"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Field } from "@/components/field";
import { failed, FormStatus, succeeded } from "@/components/form-status";
import { passkeyErrorMessage } from "@/lib/passkey-errors";
import { passkeyAuthClient } from "@/lib/passkey-client";
import { useSubmission } from "@/lib/use-submission";
import styles from "./settings.module.css";

/** A passkey as the page shows it: dates already formatted on the server. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  createdLabel: string;
  lastUsedAt: string | null;
  lastUsedLabel: string | null;
}

export function PasskeysManager({ passkeys, nameMax }: { passkeys: PasskeyView[]; nameMax: number }) {
  const router = useRouter();
  // Known only in the browser; until then the form is offered (the server cannot tell).
  const [supported, setSupported] = useState(true);
  const adding = useSubmission("settings");
  const removal = useSubmission("settings");
  const [removing, setRemoving] = useState<string | null>(null);

  useEffect(() => {
    setSupported(typeof window.PublicKeyCredential === "function");
  }, []);

  async function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: text typed before hydration is kept and submitted.
    const trimmed = String(new FormData(form).get("name") ?? "").trim();
    if (trimmed === "") return adding.refuse("Name the passkey, for example after the device it's on.");
    if ([...trimmed].length > nameMax)
      return adding.refuse(`Use at most ${nameMax} characters for the name.`);
    await adding.submit(async () => {
      const { error } = await passkeyAuthClient.passkey.addPasskey({ name: trimmed });
      if (error) return failed(passkeyErrorMessage(error, "add"));
      form.reset();
      router.refresh();
      return succeeded(`Passkey “${trimmed}” added. You can use it to sign in.`);
    });
  }

  async function remove(passkey: PasskeyView) {
    setRemoving(passkey.id);
    await removal.submit(async () => {
      const { error } = await passkeyAuthClient.passkey.deletePasskey({ id: passkey.id });
      if (error) return failed(passkeyErrorMessage(error, "remove"));
      router.refresh();
      return succeeded(`Passkey “${passkey.name}” removed. It can no longer sign in to your account.`);
    });
    setRemoving(null);
  }

  return (
    <>
      <FormStatus status={removal.status} />
      {passkeys.length === 0 ? (
        <p className="hint">You have no passkeys yet.</p>
      ) : (
        <ul className={styles.sessions} aria-label="Your passkeys">
          {passkeys.map((p) => (
            <li key={p.id} className={styles.session}>
              <div>
                <strong>{p.name}</strong>
                <p className={styles.sessionMeta}>
                  Created <time dateTime={p.createdAt}>{p.createdLabel}</time> · Last used{" "}
                  {p.lastUsedAt === null ? "never" : <time dateTime={p.lastUsedAt}>{p.lastUsedLabel}</time>}
                </p>
              </div>
              <button
                type="button"
                aria-label={`Remove ${p.name}`}
                disabled={removal.disabled}
                onClick={() => remove(p)}
              >
                {removing === p.id ? "Removing…" : "Remove"}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form method="post" onSubmit={onAdd} noValidate aria-label="Add a passkey">
        <FormStatus status={adding.status} />
        {supported ? null : (
          <p className="alert alert-warning" role="status">
            This browser can't create passkeys. Use a browser or device that supports them.
          </p>
        )}
        <Field
          id="passkey-name"
          name="name"
          label="Passkey name"
          autoComplete="off"
          required
          maxLength={nameMax}
          hint="Something to tell it apart, such as the device it's on: “Work laptop”."
        />
        <button type="submit" disabled={adding.disabled || !supported}>
          {adding.pending ? "Waiting for your device…" : "Add a passkey"}
        </button>
      </form>
    </>
  );
}
