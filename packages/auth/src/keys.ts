import type { TandemDb } from "@tandem/db";

/**
 * Signing-key rotation. Better Auth's jwt plugin signs with the newest key whose `expiresAt` is
 * unset or in the future, creates a new key when there is none, and keeps publishing a key in the
 * JWKS until `expiresAt + gracePeriod`. So retiring a key is setting its `expiresAt`; removing it
 * from the JWKS at once is deleting its row.
 */

/** Rotate the signing key every 30 days (AUTH_KEY_ROTATION_SECONDS). */
export const DEFAULT_KEY_ROTATION_SECONDS = 30 * 24 * 60 * 60;

/**
 * Keep a retired key published for 2 days (AUTH_KEY_GRACE_SECONDS): twice the longest token
 * lifetime the web app allows (24 h) and the API's oldest accepted token (`iat` 24 h), so every
 * token signed before a rotation expires, and every API key cache (10 min) refreshes, long before
 * its key disappears. Longer would only keep a retired key usable longer.
 */
export const DEFAULT_KEY_GRACE_SECONDS = 2 * 24 * 60 * 60;

export type SigningKeyState = "signing" | "retired" | "withdrawn";

export interface SigningKeyInfo {
  /** The `kid` of tokens signed with it. */
  kid: string;
  createdAt: Date;
  /** When it stops signing (null: never, it predates rotation). */
  expiresAt: Date | null;
  /** `signing`: may sign new tokens; `retired`: published for verification only; `withdrawn`: no longer published. */
  state: SigningKeyState;
  /** Until when the JWKS publishes it (null: as long as it signs). */
  publishedUntil: Date | null;
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** Every key in the `jwks` table, oldest first, with its state under `graceSeconds`. */
export async function listSigningKeys(
  database: Pick<TandemDb, "db">,
  { graceSeconds = DEFAULT_KEY_GRACE_SECONDS, now = new Date() } = {},
): Promise<SigningKeyInfo[]> {
  const rows = await database.db.selectFrom("jwks").select(["id", "createdAt", "expiresAt"]).execute();
  return rows
    .map((row) => {
      const expiresAt = row.expiresAt === null ? null : toDate(row.expiresAt);
      const publishedUntil = expiresAt === null ? null : new Date(expiresAt.getTime() + graceSeconds * 1000);
      const state: SigningKeyState =
        expiresAt === null || expiresAt > now
          ? "signing"
          : publishedUntil !== null && publishedUntil > now
            ? "retired"
            : "withdrawn";
      return { kid: row.id, createdAt: toDate(row.createdAt), expiresAt, state, publishedUntil };
    })
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export interface RetireOptions {
  /**
   * `grace` (default): the keys stop signing now and stay published for the grace period, so
   * tokens they signed keep verifying. `revoke` (a compromised key): their rows are deleted, so
   * they leave the JWKS at once and tokens they signed are refused once each API refreshes its keys.
   */
  mode?: "grace" | "revoke";
  now?: Date;
}

/**
 * Retires every key that may still sign (normally one; two web instances can race to create
 * one), so the next token is signed with a fresh key. Returns the keys it retired or deleted.
 */
export async function retireSigningKeys(
  database: Pick<TandemDb, "db">,
  { mode = "grace", now = new Date() }: RetireOptions = {},
): Promise<string[]> {
  const signing = (await listSigningKeys(database, { now }))
    .filter((key) => key.state === "signing")
    .map((key) => key.kid);
  if (signing.length === 0) return [];
  if (mode === "revoke") {
    await database.db.deleteFrom("jwks").where("id", "in", signing).execute();
  } else {
    await database.db
      .updateTable("jwks")
      .set({ expiresAt: now.toISOString() })
      .where("id", "in", signing)
      .execute();
  }
  return signing;
}
