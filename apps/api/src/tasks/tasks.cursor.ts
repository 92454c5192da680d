import type { SortOrder, TaskSort } from "@tandem/contracts";
import { ApiError } from "../errors.ts";

export type CursorValue = string | number;

interface CursorData {
  s: TaskSort;
  o: SortOrder;
  v: CursorValue[];
}

/** An opaque keyset cursor: the sort it belongs to and the last row's sort-key values. */
export function encodeCursor(sort: TaskSort, order: SortOrder, values: CursorValue[]): string {
  const data: CursorData = { s: sort, o: order, v: values };
  return Buffer.from(JSON.stringify(data), "utf8").toString("base64url");
}

/** Decodes a cursor for this sort; 400 INVALID_CURSOR when it is foreign, stale or forged. */
export function decodeCursor(cursor: string, sort: TaskSort, order: SortOrder, arity: number): CursorValue[] {
  const invalid = () =>
    new ApiError("INVALID_CURSOR", {
      detail: "The cursor is invalid or belongs to another sort order; start again from the first page",
    });
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof data !== "object" || data === null) throw invalid();
  const { s, o, v } = data as Partial<CursorData>;
  if (s !== sort || o !== order || !Array.isArray(v) || v.length !== arity) throw invalid();
  if (!v.every((x) => (typeof x === "string" && x.length <= 1024) || (typeof x === "number" && Number.isFinite(x)))) {
    throw invalid();
  }
  return v;
}
