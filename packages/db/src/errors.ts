/**
 * True for a foreign-key violation on either engine (SQLite: SQLITE_CONSTRAINT_FOREIGNKEY;
 * Postgres: SQLSTATE 23503), e.g. inserting a task for a user deleted a moment ago.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503";
}

/** Node's codes for a socket to the database that could not be opened or was cut. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/**
 * SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception),
 * 57P01–57P03 (shutdown by an administrator, a crash, "cannot connect now" while starting or
 * stopping) and 53300 (too many connections).
 */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300)$/;
/** What `pg` throws without a code when a connection ends or never opens in time. */
const UNREACHABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;

/**
 * True when the database could not be asked at all (down, restarting, unreachable) rather than
 * refusing the statement: a condition to answer with 503 and Retry-After, not a server fault.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_STATE.test(code))) return true;
  if (typeof message === "string" && UNREACHABLE_MESSAGE.test(message)) return true;
  // Node reports a refused connection to several addresses as an AggregateError of them.
  if (error instanceof AggregateError && error.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
