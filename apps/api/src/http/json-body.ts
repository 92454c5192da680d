import type { Context } from "hono";
import type * as z from "zod";
import { ApiError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { requestHeader } from "./node-headers.ts";
import { toFieldErrors } from "./validation.ts";

// application/json and any +json type; a charset other than UTF-8 is refused because JSON
// text exchanged between systems must be UTF-8 (RFC 8259 §8.1).
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a JSON body and validates it against a schema. 415 when it is not JSON, 400 when it
 * does not parse or does not match. Body size is limited by middleware before this runs.
 */
export async function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const type = requestHeader(c, "content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", {
      detail: "Send the body as JSON with Content-Type: application/json",
    });
  }
  // Read outside the try: failing to read the body is not the client's malformed JSON.
  const bytes = await c.req.arrayBuffer();
  let value: unknown;
  try {
    // Fatal decoding: bytes that are not UTF-8 (including encoded surrogates) are refused rather
    // than silently replaced with U+FFFD.
    value = JSON.parse(UTF8.decode(bytes));
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
