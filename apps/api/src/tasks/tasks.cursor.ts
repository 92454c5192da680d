import type { SortOrder, TaskSort } from "@tandem/contracts";
import { InvalidCursorError } from "./tasks.errors.ts";

export type CursorValue = string | number;

/**
 * What a sort key holds, so a cursor's values can be checked before they reach SQL (Postgres
 * refuses, with an error, to compare a timestamptz with "abc" or an integer with 0.5).
 * - `rank`: a small integer (0–2) computed by a CASE;
 * - `instant`: an ISO-8601 UTC instant with milliseconds, years 0001–9999 (what both engines store);
 * - `text`: any text without NUL (which Postgres cannot hold) or unpaired surrogates.
 */
export type CursorKind = "rank" | "instant" | "text";

interface CursorData {
  s: TaskSort;
  o: SortOrder;
  v: CursorValue[];
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isValid(kind: CursorKind, value: unknown): boolean {
  switch (kind) {
    case "rank":
      return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 2;
    case "instant": {
      if (typeof value !== "string" || !INSTANT.test(value) || value.startsWith("0000")) return false;
      const time = Date.parse(value);
      // Rejects impossible dates such as 2024-02-30, which Date would roll over.
      return Number.isFinite(time) && new Date(time).toISOString() === value;
    }
    case "text":
      return (
        typeof value === "string" && value.length <= 1024 && !value.includes("\u0000") && value.isWellFormed()
      );
  }
}

/** An opaque keyset cursor: the sort it belongs to and the last row's sort-key values. */
export function encodeCursor(sort: TaskSort, order: SortOrder, values: CursorValue[]): string {
  const data: CursorData = { s: sort, o: order, v: values };
  return Buffer.from(JSON.stringify(data), "utf8").toString("base64url");
}

/**
 * Decodes a cursor for this sort, whose keys hold `kinds`; `InvalidCursorError` when it is
 * foreign, stale or forged, so it never reaches the database.
 */
export function decodeCursor(
  cursor: string,
  sort: TaskSort,
  order: SortOrder,
  kinds: readonly CursorKind[],
): CursorValue[] {
  const invalid = () =>
    new InvalidCursorError(
      "The cursor is invalid or belongs to another sort order; start again from the first page",
    );
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof data !== "object" || data === null) throw invalid();
  const { s, o, v } = data as Partial<CursorData>;
  if (s !== sort || o !== order || !Array.isArray(v) || v.length !== kinds.length) throw invalid();
  if (!kinds.every((kind, i) => isValid(kind, v[i]))) throw invalid();
  return v;
}
