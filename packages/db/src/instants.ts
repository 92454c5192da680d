import pg from "pg";

// `timestamptz` as Postgres writes it in text with DateStyle ISO (which `pg` requires anyway) and
// the session in UTC, the usual setting for a server: `2026-01-01 12:00:00.123+00`.
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

const parseAsDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, "text") as (text: string) => Date;

/**
 * A `timestamptz` read as the ISO 8601 text SQLite stores and the API sends
 * (`2026-01-01T12:00:00.123Z`), without making a Date of it first: a Date per instant, only to
 * turn it back into text, costs the task list real CPU (docs/decisions/007). Digits past the
 * millisecond are cut, as a Date would. Text in any other shape (a session in another time zone)
 * takes the slow, general road through a Date.
 */
export function instantTextToIso(text: string): string {
  const m = UTC_TEXT.exec(text);
  if (m === null) return parseAsDate(text).toISOString();
  return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
}

/** `pg` type parsers with `timestamptz` as ISO text; every other type as `pg` parses it. */
export const isoInstantTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.TIMESTAMPTZ && format !== "binary") return instantTextToIso;
    return pg.types.getTypeParser(oid, format);
  },
};
