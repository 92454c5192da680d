import * as z from "zod";
import { DESCRIPTION, SEARCH, type TextKind, TITLE, textRules } from "./rules.ts";

export { codePointLength, DESCRIPTION_MAX, SEARCH_MAX, TITLE_MAX } from "./rules.ts";

function textSchema(kind: TextKind) {
  let schema = z.string().trim();
  for (const rule of textRules(kind)) schema = schema.refine(rule.test, { message: rule.message });
  return schema;
}

export const TitleSchema = textSchema(TITLE).describe(
  "1–200 characters after trimming; no control characters",
);
export const DescriptionSchema = textSchema(DESCRIPTION).describe("At most 5000 characters after trimming");
export const SearchSchema = textSchema(SEARCH);
