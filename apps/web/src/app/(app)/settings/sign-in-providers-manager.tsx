"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FormStatus, failed, type Status, succeeded } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { linkErrorMessage, providerRequestMessage } from "@/lib/provider-errors";
import { useHydrated } from "@/lib/use-hydrated";
import styles from "./settings.module.css";
import own from "./sign-in-providers.module.css";

/** One provider as the section shows it: linked (with the account row's id) or not. */
export interface ProviderRow {
  key: string;
  providerId: string;
  name: string;
  /** Better Auth's account row id, null when not linked. */
  accountId: string | null;
  linkedAt: string | null;
  linkedLabel: string | null;
  /** False for a link whose provider this server no longer offers: it can only be unlinked. */
  configured: boolean;
}

export function SignInProvidersManager({ rows }: { rows: ProviderRow[] }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState<string | null>(null);
  // Until hydration a click would be lost.
  const hydrated = useHydrated();
  const locked = pending !== null || !hydrated;
  const [confirming, setConfirming] = useState<string | null>(null);

  // A link comes back here from the provider: `?linked=<id>`, or `?link=<id>&error=<code>`. Say
  // how it went once, and take it out of the address so a reload does not say it again.
  // Once per page load: a refresh after an unlink re-renders with new rows, and must not bring the
  // link's message back.
  const reported = useRef(false);
  useEffect(() => {
    if (reported.current) return;
    reported.current = true;
    const params = new URLSearchParams(window.location.search);
    const id = params.get("linked") ?? params.get("link");
    if (id === null) return;
    const name = rows.find((row) => row.providerId === id)?.name ?? id;
    const error = linkErrorMessage(params.get("error"), name);
    setStatus(
      params.has("linked") && error === null
        ? succeeded(`${name} is linked: you can now sign in with it.`)
        : failed(error ?? `${name} wasn't linked. Please try again.`),
    );
    window.history.replaceState(null, "", window.location.pathname);
  }, [rows]);

  async function link(row: ProviderRow) {
    setPending(row.key);
    setStatus(null);
    try {
      const { error } = await authClient.linkSocial({
        provider: row.providerId,
        callbackURL: `/settings?linked=${encodeURIComponent(row.providerId)}`,
        errorCallbackURL: `/settings?link=${encodeURIComponent(row.providerId)}`,
      });
      // On success the browser is on its way to the provider.
      if (!error) return;
      setStatus(failed(providerRequestMessage(error, row.name, "link")));
    } catch {
      setStatus(failed(providerRequestMessage(null, row.name, "link")));
    }
    setPending(null);
  }

  async function unlink(row: ProviderRow) {
    if (row.accountId === null) return;
    setPending(row.key);
    setStatus(null);
    try {
      const { error } = await authClient.unlinkAccount({ accountId: row.accountId });
      setStatus(
        error
          ? failed(providerRequestMessage(error, row.name, "unlink"))
          : succeeded(`${row.name} is unlinked.`),
      );
      if (!error) router.refresh();
    } catch {
      setStatus(failed(providerRequestMessage(null, row.name, "unlink")));
    }
    setConfirming(null);
    setPending(null);
  }

  return (
    <>
      <FormStatus status={status} />
      <ul className={styles.sessions} aria-label="Sign-in providers">
        {rows.map((row) => (
          <li key={row.key} className={styles.session}>
            <div>
              <strong>{row.name}</strong>
              <p className={styles.sessionMeta}>
                {row.linkedAt !== null ? (
                  <>
                    Linked <time dateTime={row.linkedAt}>{row.linkedLabel}</time>
                  </>
                ) : (
                  "Not linked"
                )}
              </p>
            </div>
            {row.accountId === null ? (
              <button type="button" disabled={locked} onClick={() => link(row)}>
                {pending === row.key ? `Going to ${row.name}…` : `Link ${row.name}`}
              </button>
            ) : confirming === row.key ? (
              <div className={own.confirm}>
                <span>Unlink {row.name}? You won't be able to sign in with it.</span>
                <button type="button" disabled={locked} onClick={() => unlink(row)}>
                  {pending === row.key ? "Unlinking…" : `Unlink ${row.name}`}
                </button>
                <button type="button" disabled={locked} onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button
                type="button"
                aria-label={`Unlink ${row.name}`}
                disabled={locked}
                onClick={() => {
                  setStatus(null);
                  setConfirming(row.key);
                }}
              >
                Unlink
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
