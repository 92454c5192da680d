// The log contract every backend keeps: one JSON line per request, tagged with the request id the
// response carries in X-Request-Id, so an operator can find a request a user reports.

export interface RequestLogLine {
  reqId: string;
  method: string;
  path: string;
  status: number;
  [field: string]: unknown;
}

/** Parses the JSON object lines of a backend's output (other lines, e.g. a banner, are skipped). */
export function jsonLines(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? [value as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
}

/** The access-log line of the request with this id: its reqId, method, path and status. */
export function requestLog(lines: string[], requestId: string): RequestLogLine | undefined {
  return jsonLines(lines).find(
    (line): line is RequestLogLine =>
      line.reqId === requestId &&
      typeof line.method === "string" &&
      typeof line.path === "string" &&
      typeof line.status === "number",
  );
}
