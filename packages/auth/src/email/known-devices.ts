import type { TandemDb } from "@tandem/db";

/** History entries that show a browser was used by the account before. */
const DEVICE_SEEN = ["sign_up", "sign_in", "new_device_sign_in"] as const;

/**
 * Whether this account has signed up or in with this User-Agent before (from the security
 * history). Deliberately rough, as other services do it: a browser update or a cleared history
 * counts as a new device and costs one notice; no UA at all is never "known".
 */
export async function isKnownDevice(
  database: TandemDb,
  userId: string,
  userAgent: string | null,
): Promise<boolean> {
  if (userAgent === null || userAgent === "") return false;
  const seen = await database.db
    .selectFrom("security_event")
    .select("id")
    .where("user_id", "=", userId)
    .where("type", "in", DEVICE_SEEN)
    // Stored cut to 512 characters (events.ts), so compare the same prefix.
    .where("user_agent", "=", userAgent.slice(0, 512))
    .limit(1)
    .executeTakeFirst();
  return seen !== undefined;
}
