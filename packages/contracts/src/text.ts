import * as z from "zod";

// Control characters (Unicode category Cc: C0, DEL and C1). Titles are one line, so they refuse
// all of them; descriptions keep tab and line breaks. NUL is refused everywhere: Postgres cannot
// store it in text at all, and SQLite would truncate it in some clients, so the two databases
// would disagree.
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Length in Unicode code points, so an emoji counts once, not twice. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function textSchema(opts: { min: number; max: number; singleLine: boolean; label: string }) {
  return z
    .string()
    .trim()
    .refine((s) => s.isWellFormed(), { message: `${opts.label} contains an unpaired surrogate` })
    .refine((s) => !(opts.singleLine ? ANY_CONTROL : CONTROL_EXCEPT_WHITESPACE).test(s), {
      message: `${opts.label} contains a control character`,
    })
    .refine((s) => codePointLength(s) >= opts.min, {
      message: opts.min === 1 ? `${opts.label} must not be empty` : `${opts.label} is too short`,
    })
    .refine((s) => codePointLength(s) <= opts.max, {
      message: `${opts.label} must be at most ${opts.max} characters`,
    });
}

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const SEARCH_MAX = 200;

export const TitleSchema = textSchema({ min: 1, max: TITLE_MAX, singleLine: true, label: "Title" }).describe(
  "1–200 characters after trimming; no control characters",
);
export const DescriptionSchema = textSchema({
  min: 0,
  max: DESCRIPTION_MAX,
  singleLine: false,
  label: "Description",
}).describe("At most 5000 characters after trimming");
export const SearchSchema = textSchema({ min: 0, max: SEARCH_MAX, singleLine: true, label: "Search" });
