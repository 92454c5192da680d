/** The caller has no such task: missing, or another user's (the two are never told apart). */
export class TaskNotFoundError extends Error {
  override name = "TaskNotFoundError";
}

/** A list cursor that is foreign, stale or forged; its message is safe to show the client. */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
}
