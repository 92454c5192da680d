import type { Context } from "hono";
import type * as z from "zod";
import { ApiError } from "../errors.ts";
import { toFieldErrors } from "./validation.ts";

// application/json and any +json type; a charset other than UTF-8 is refused because JSON
// text exchanged between systems must be UTF-8 (RFC 8259 §8.1).
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads a JSON body and validates it against a schema. 415 when it is not JSON, 400 when it
 * does not parse or does not match. Body size is limited by middleware before this runs.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", {
      detail: "Send the body as JSON with Content-Type: application/json",
    });
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("INVALID_JSON", { detail: "The request body is not valid JSON" });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError("VALIDATION_FAILED", {
      detail: "The request body is invalid",
      errors: toFieldErrors(parsed.error, "body"),
    });
  }
  return parsed.data;
}

/** Validates the query string (each parameter once) against a schema; 400 on any problem. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const all = c.req.queries();
  const single: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [key, values] of Object.entries(all)) {
    if (values.length > 1) repeated.push(key);
    single[key] = values[0] ?? "";
  }
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
  return parsed.data;
}
