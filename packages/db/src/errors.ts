/**
 * True for a foreign-key violation on either engine (SQLite: SQLITE_CONSTRAINT_FOREIGNKEY;
 * Postgres: SQLSTATE 23503), e.g. inserting a task for a user deleted a moment ago.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503";
}
