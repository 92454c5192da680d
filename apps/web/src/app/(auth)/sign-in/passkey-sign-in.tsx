"use client";

import { useEffect, useRef, useState } from "react";
import { failed, FormStatus, type Status } from "@/components/form-status";
import { useEnterApp } from "@/lib/enter-app";
import { failedInBrowser, passkeyErrorMessage } from "@/lib/passkey-errors";
import { passkeyAuthClient } from "@/lib/passkey-client";
import { useHydrated } from "@/lib/use-hydrated";
import styles from "./passkey-sign-in.module.css";

// The server keeps a sign-in challenge for 5 minutes: a waiting autofill request takes a new one
// before its own runs out, so a passkey picked from autofill after a long pause still works.
const AUTOFILL_RENEW_MS = 4 * 60 * 1000;

interface Autofill {
  /** (Re)starts waiting for a passkey picked from the email field's autofill. */
  start: () => void;
  /** Stops renewing it (a ceremony started by the button aborts the waiting request itself). */
  stop: () => void;
}

/**
 * "Sign in with a passkey", and passkeys offered in the email field's autofill where the browser
 * supports it (WebAuthn conditional mediation; the field's autocomplete ends in `webauthn`).
 * Either way the passkey sign-in creates the same session as a password, hence the same API tokens.
 */
export function PasskeySignIn({ next }: { next: string }) {
  const enterApp = useEnterApp();
  const [supported, setSupported] = useState(true);
  const [pending, setPending] = useState(false);
  // Until hydration a click would be lost.
  const hydrated = useHydrated();
  const [status, setStatus] = useState<Status>(null);
  const autofill = useRef<Autofill | null>(null);

  useEffect(() => {
    if (typeof window.PublicKeyCredential !== "function") {
      setSupported(false);
      return;
    }
    let mounted = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => clearTimeout(timer);
    const start = () => {
      stop();
      if (!mounted) return;
      timer = setTimeout(start, AUTOFILL_RENEW_MS);
      void passkeyAuthClient.signIn.passkey({ autoFill: true }).then(({ data, error }) => {
        if (!mounted) return;
        if (data) {
          stop();
          setPending(true);
          enterApp(next);
          return;
        }
        // Renewed, or replaced by the button's ceremony: nothing happened that the user should hear of.
        if (error === null || failedInBrowser(error)) return;
        // Refused by the server (a removed passkey): say so, and wait for the button or a reload
        // rather than ask again at once, which an authenticator that answers without the user
        // (a test's virtual one) would turn into a loop.
        stop();
        setStatus(failed(passkeyErrorMessage(error, "sign-in")));
      });
    };
    void PublicKeyCredential.isConditionalMediationAvailable?.().then((available) => {
      if (!available || !mounted) return;
      autofill.current = { start, stop };
      start();
    });
    return () => {
      mounted = false;
      stop();
      autofill.current = null;
    };
  }, [next, enterApp]);

  async function signIn() {
    autofill.current?.stop();
    setPending(true);
    setStatus(null);
    let outcome: Awaited<ReturnType<typeof passkeyAuthClient.signIn.passkey>> | null = null;
    try {
      outcome = await passkeyAuthClient.signIn.passkey();
    } catch {
      outcome = null;
    }
    if (outcome?.data) {
      // `next` is already checked to be same-origin; the page stays busy while it navigates.
      enterApp(next);
      return;
    }
    setStatus(failed(passkeyErrorMessage(outcome?.error, "sign-in")));
    setPending(false);
    autofill.current?.start();
  }

  if (!supported) return null;
  return (
    <div className={styles.alternative}>
      <p className={styles.or}>or</p>
      <FormStatus status={status} />
      <button type="button" className={styles.button} onClick={signIn} disabled={pending || !hydrated}>
        {pending ? "Signing in…" : "Sign in with a passkey"}
      </button>
    </div>
  );
}
