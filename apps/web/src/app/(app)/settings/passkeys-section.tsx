import { getAuthenticatorName } from "@better-auth/passkey";
import { headers } from "next/headers";
import { PASSKEY_NAME_MAX } from "@tandem/auth";
import { getAuth } from "@/lib/auth.server";
import { type PasskeyView, PasskeysManager } from "./passkeys-manager";
import styles from "./settings.module.css";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/** `lastUsedAt` is Tandem's column (migration 0005): Better Auth's own types do not know it. */
function lastUsed(passkey: object): Date | null {
  const value: unknown = "lastUsedAt" in passkey ? passkey.lastUsedAt : null;
  return value === null || value === undefined ? null : new Date(value as string | Date);
}

async function listPasskeys(): Promise<PasskeyView[]> {
  const passkeys = await getAuth().api.listPasskeys({ headers: await headers() });
  return passkeys
    .map((p) => {
      const created = new Date(p.createdAt);
      const used = lastUsed(p);
      return {
        id: p.id,
        // Passkeys are always named here; one added elsewhere may only have its authenticator's model.
        name: p.name || getAuthenticatorName(p.aaguid) || "Unnamed passkey",
        createdAt: created.toISOString(),
        createdLabel: dateFormat.format(created),
        lastUsedAt: used === null ? null : used.toISOString(),
        lastUsedLabel: used === null ? null : dateFormat.format(used),
      };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Settings, "Passkeys": the account's passkeys, when each was created and last used; add or remove one. */
export async function PasskeysSection() {
  const passkeys = await listPasskeys();
  return (
    <section className="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p className={styles.intro}>
        Sign in with your device's fingerprint, face or screen lock instead of your password. A passkey stays
        on your device or in your password manager; Tandem keeps only its public key.
      </p>
      <PasskeysManager passkeys={passkeys} nameMax={PASSKEY_NAME_MAX} />
    </section>
  );
}
