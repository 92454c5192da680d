import type { Context } from "hono";
import type * as z from "zod";
import { ApiError } from "../errors.ts";
import { toFieldErrors } from "./validation.ts";

// Valid query strings already parsed, per schema: a client asks for the same few (its list's
// filters) over and over, and parsing one (URL, then zod) is a measurable part of a list request
// (see docs/decisions/007-list-path-database-tuning.md). Parsing is a pure function of the text, so a cached result is the same answer.
const PARSED_QUERIES_MAX = 1000;
const parsedQueries = new WeakMap<z.ZodType, Map<string, unknown>>();

/**
 * Validates the query string (each parameter once) against a schema; 400 on any problem. Every
 * parameter reaches the schema as an own property, so a strict schema also refuses names such as
 * `__proto__` (a plain object would swallow it through the prototype setter). The result is
 * frozen: it may be shared with later requests that send the same query string.
 */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const url = c.req.url;
  const at = url.indexOf("?");
  // As URL would read it: from the "?" to any fragment.
  const search = at === -1 ? "" : (url.slice(at).split("#", 1)[0] ?? "");
  let cache = parsedQueries.get(schema);
  if (cache === undefined) parsedQueries.set(schema, (cache = new Map()));
  const cached = cache.get(search);
  if (cached !== undefined) return cached as z.output<S>;

  const all = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(search)) {
    const values = all.get(key);
    if (values) values.push(value);
    else all.set(key, [value]);
  }
  const repeated = [...all].filter(([, values]) => values.length > 1).map(([key]) => key);
  const single: Record<string, string> = Object.fromEntries(
    [...all].map(([key, values]) => [key, values[0] ?? ""]),
  );
  if (repeated.length > 0) {
    throw new ApiError("VALIDATION_FAILED", {
      detail: "The query string is invalid",
      errors: repeated.map((key) => ({ path: `query.${key}`, message: "Give this parameter once" })),
    });
  }
  const parsed = schema.safeParse(single);
  if (!parsed.success) {
    throw new ApiError("VALIDATION_FAILED", {
      detail: "The query string is invalid",
      errors: toFieldErrors(parsed.error, "query"),
    });
  }
  if (cache.size >= PARSED_QUERIES_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(search, Object.freeze(parsed.data));
  return parsed.data;
}
