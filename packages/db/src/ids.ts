import { randomUUID } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then 74 random bits. Ids sort roughly by
 * creation time (good for B-tree locality) and cannot be guessed from one another.
 */
export function uuidv7(now: number = Date.now()): string {
  // The random bits come from a version-4 UUID, whose generator draws entropy in bulk (one
  // `randomBytes(16)` per id was a system call and an allocation on every create); its version
  // nibble is replaced and its variant bits are the same as version 7's.
  if (!Number.isInteger(now) || now < 0 || now >= 2 ** 48) {
    throw new RangeError("a UUIDv7 timestamp is a whole number of milliseconds below 2^48");
  }
  const random = randomUUID();
  const time = now.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19, 23)}-${random.slice(24)}`;
}
