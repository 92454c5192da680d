"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { type ActionResult, revokeOtherSessions, revokeSession } from "./actions";
import { FormStatus, type Status } from "@/components/form-status";
import { useHydrated } from "@/lib/use-hydrated";
import styles from "./settings.module.css";

/** A session as the page shows it: no token, dates already formatted on the server. */
export interface SessionView {
  id: string;
  device: string;
  ip: string;
  createdAt: string;
  createdLabel: string;
  lastActiveAt: string;
  lastActiveLabel: string;
  current: boolean;
}

export function SessionsList({ sessions }: { sessions: SessionView[] }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState<string | null>(null);
  // Until hydration a click would be lost.
  const hydrated = useHydrated();
  const locked = pending !== null || !hydrated;
  const others = sessions.filter((s) => !s.current).length;

  async function run(key: string, action: () => Promise<ActionResult>) {
    setPending(key);
    setStatus(null);
    try {
      const result = await action();
      setStatus(
        result.ok
          ? { kind: "success", text: result.message ?? "Done." }
          : { kind: "error", text: result.error },
      );
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: "We can't reach the server right now. Please try again." });
    } finally {
      setPending(null);
    }
  }

  return (
    <>
      <FormStatus status={status} />
      <ul className={styles.sessions} aria-label="Signed-in devices">
        {sessions.map((s) => (
          <li key={s.id} className={styles.session}>
            <div>
              <strong>{s.device}</strong>
              {s.current ? <span className={styles.badge}>This device</span> : null}
              <p className={styles.sessionMeta}>
                IP {s.ip} · Signed in <time dateTime={s.createdAt}>{s.createdLabel}</time> · Last active{" "}
                <time dateTime={s.lastActiveAt}>{s.lastActiveLabel}</time>
              </p>
            </div>
            {s.current ? null : (
              <button
                type="button"
                aria-label={`Sign out ${s.device} (signed in ${s.createdLabel})`}
                disabled={locked}
                onClick={() => run(s.id, () => revokeSession(s.id))}
              >
                {pending === s.id ? "Signing out…" : "Sign out"}
              </button>
            )}
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <button type="button" disabled={locked} onClick={() => run("others", () => revokeOtherSessions())}>
          {pending === "others" ? "Signing out…" : "Sign out everywhere else"}
        </button>
      ) : (
        <p className="hint">You're not signed in anywhere else.</p>
      )}
    </>
  );
}
