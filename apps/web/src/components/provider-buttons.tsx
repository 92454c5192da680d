"use client";

import { useState } from "react";
import type { FederatedProvider } from "@tandem/auth";
import { FormStatus, failed, type Status } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { providerRequestMessage } from "@/lib/provider-errors";
import { useHydrated } from "@/lib/use-hydrated";
import styles from "./provider-buttons.module.css";

/**
 * "Continue with <name>" for each configured provider. The browser goes to the provider and comes
 * back through Better Auth's callback: to `next` when signed in, to the sign-in page (which says
 * why) when not. Failures of the callback always land on the sign-in page, whichever page started.
 */
export function ProviderButtons({ providers, next }: { providers: FederatedProvider[]; next: string }) {
  const [pending, setPending] = useState<string | null>(null);
  // Until hydration a click would be lost.
  const hydrated = useHydrated();
  const locked = pending !== null || !hydrated;
  const [status, setStatus] = useState<Status>(null);
  if (providers.length === 0) return null;

  async function continueWith(provider: FederatedProvider) {
    setPending(provider.id);
    setStatus(null);
    const back = new URLSearchParams({ provider: provider.id });
    if (next !== "/tasks") back.set("next", next);
    try {
      const { error } = await authClient.signIn.social({
        provider: provider.id,
        callbackURL: next,
        errorCallbackURL: `/sign-in?${back.toString()}`,
      });
      // On success the client is already navigating to the provider: stay busy.
      if (!error) return;
      setStatus(failed(providerRequestMessage(error, provider.name, "sign-in")));
    } catch {
      setStatus(failed(providerRequestMessage(null, provider.name, "sign-in")));
    }
    setPending(null);
  }

  return (
    <div className={styles.providers}>
      <p className={styles.divider}>or</p>
      <FormStatus status={status} />
      {providers.map((provider) => (
        <button
          key={provider.id}
          type="button"
          className={styles.button}
          disabled={locked}
          onClick={() => continueWith(provider)}
        >
          {pending === provider.id ? `Going to ${provider.name}…` : `Continue with ${provider.name}`}
        </button>
      ))}
    </div>
  );
}
