import { headers } from "next/headers";
import { accessTokenState, type AccessTokenView } from "@tandem/contracts/access-tokens";
import { getAuth } from "@/lib/auth.server";
import { type AccessTokenRow, AccessTokensManager } from "./access-tokens-manager";
import styles from "./settings.module.css";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const dayFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });

function toRow(token: AccessTokenView, now: Date): AccessTokenRow {
  return {
    id: token.id,
    name: token.name,
    hint: token.hint,
    scope: token.scope,
    state: accessTokenState(token, now),
    createdAt: token.createdAt,
    createdLabel: dayFormat.format(new Date(token.createdAt)),
    expiresAt: token.expiresAt,
    expiresLabel: dateFormat.format(new Date(token.expiresAt)),
    lastUsedAt: token.lastUsedAt,
    lastUsedLabel: token.lastUsedAt === null ? null : dateFormat.format(new Date(token.lastUsedAt)),
    revokedAt: token.revokedAt,
    revokedLabel: token.revokedAt === null ? null : dateFormat.format(new Date(token.revokedAt)),
  };
}

/**
 * Settings, "Access tokens" (decision 017): personal access tokens for scripts calling the task
 * API. Lists the active ones and those revoked or expired in the last 30 days, marked as such.
 */
export async function AccessTokensSection() {
  const tokens = await getAuth().api.listAccessTokens({ headers: await headers() });
  const now = new Date();
  return (
    <section className="card" aria-labelledby="access-tokens-heading">
      <h2 id="access-tokens-heading">Access tokens</h2>
      <p className={styles.intro}>
        Let scripts and command-line tools use the task API as you, with{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>. Each token has an expiry and can be revoked at any
        time.
      </p>
      <AccessTokensManager tokens={tokens.map((token) => toRow(token, now))} />
    </section>
  );
}
