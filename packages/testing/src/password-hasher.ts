import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { PasswordHasher } from "@tandem/auth";

// Decision 027: Better Auth's scrypt (N = 16384, r = 16) is meant to be slow, about 150 ms of CPU
// per sign-up or sign-in on the 2-core CI machine, and the suites sign in some two thousand times.
// The in-process test servers hash with the same function at a cost of about a millisecond; the
// web app (security suite, browser tests, topology) keeps Better Auth's own.
const COST = { N: 1024, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_BYTES, COST, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** scrypt at a test-only cost, stored as `salt:key` (hex) like Better Auth's own. */
export const testPasswordHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(16).toString("hex");
    return `${salt}:${(await derive(password, salt)).toString("hex")}`;
  },
  async verify({ hash, password }) {
    const [salt, key] = hash.split(":");
    if (salt === undefined || key === undefined) return false;
    const expected = Buffer.from(key, "hex");
    const actual = await derive(password, salt);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
};
