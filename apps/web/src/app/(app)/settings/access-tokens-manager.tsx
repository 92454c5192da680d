"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AccessTokenScope, AccessTokenView } from "@tandem/contracts/access-tokens";
import { FormStatus, type Status } from "@/components/form-status";
import { authClient } from "@/lib/auth-client";
import { accessTokenErrorMessage } from "./access-token-errors";
import { AccessTokenCreateForm } from "./access-token-create-form";
import styles from "./access-tokens.module.css";

/** A token as the list shows it: metadata only, dates already formatted on the server. */
export interface AccessTokenRow {
  id: string;
  name: string;
  hint: string;
  scope: AccessTokenScope;
  state: "active" | "expired" | "revoked";
  createdAt: string;
  createdLabel: string;
  expiresAt: string;
  expiresLabel: string;
  lastUsedAt: string | null;
  lastUsedLabel: string | null;
  revokedAt: string | null;
  revokedLabel: string | null;
}

const SCOPE_LABELS: Record<AccessTokenScope, string> = { read: "Read-only", write: "Read and write" };

function TokenItem({
  token,
  busy,
  onRevoke,
}: {
  token: AccessTokenRow;
  busy: boolean;
  onRevoke: () => void;
}) {
  const ended = token.state !== "active";
  return (
    <li className={ended ? `${styles.token} ${styles.ended}` : styles.token}>
      <div>
        <strong className={styles.name}>{token.name}</strong>
        <span className={styles.badge}>{SCOPE_LABELS[token.scope]}</span>
        {token.state === "revoked" ? <span className={styles.endedBadge}>Revoked</span> : null}
        {token.state === "expired" ? <span className={styles.endedBadge}>Expired</span> : null}
        <p className={styles.meta}>
          <code>{token.hint}…</code> · Created <time dateTime={token.createdAt}>{token.createdLabel}</time> ·{" "}
          {token.state === "revoked" && token.revokedAt !== null ? (
            <>
              Revoked <time dateTime={token.revokedAt}>{token.revokedLabel}</time>
            </>
          ) : (
            <>
              {token.state === "expired" ? "Expired" : "Expires"}{" "}
              <time dateTime={token.expiresAt}>{token.expiresLabel}</time>
            </>
          )}{" "}
          · Last used{" "}
          {token.lastUsedAt === null ? (
            "Never"
          ) : (
            <time dateTime={token.lastUsedAt}>{token.lastUsedLabel}</time>
          )}
        </p>
      </div>
      {ended ? null : (
        <button type="button" aria-label={`Revoke ${token.name}`} disabled={busy} onClick={onRevoke}>
          Revoke
        </button>
      )}
    </li>
  );
}

/** The create form, the token shown once, and the list with Revoke. */
export function AccessTokensManager({ tokens }: { tokens: AccessTokenRow[] }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>(null);
  const [pending, setPending] = useState<string | null>(null);

  async function revoke(token: AccessTokenRow) {
    if (
      !window.confirm(`Revoke “${token.name}”? Scripts using it will stop working. This can't be undone.`)
    ) {
      return;
    }
    setPending(token.id);
    setStatus(null);
    try {
      const { error } = await authClient.$fetch<AccessTokenView>("/access-tokens/revoke", {
        method: "POST",
        body: { id: token.id },
      });
      setStatus(
        error
          ? { kind: "error", text: accessTokenErrorMessage(error, "We couldn't revoke the token.") }
          : { kind: "success", text: `Token “${token.name}” revoked.` },
      );
      router.refresh();
    } catch {
      setStatus({ kind: "error", text: accessTokenErrorMessage(null, "We couldn't revoke the token.") });
    } finally {
      setPending(null);
    }
  }

  return (
    <>
      <AccessTokenCreateForm />
      <h3 className={styles.listHeading}>Your tokens</h3>
      <FormStatus status={status} />
      {tokens.length === 0 ? (
        <p className="hint">No access tokens yet.</p>
      ) : (
        <ul className={styles.tokens} aria-label="Access tokens">
          {tokens.map((token) => (
            <TokenItem
              key={token.id}
              token={token}
              busy={pending !== null}
              onRevoke={() => void revoke(token)}
            />
          ))}
        </ul>
      )}
      <p className="hint">Revoked and expired tokens stay listed for 30 days.</p>
    </>
  );
}
