import type { FieldError } from "@tandem/contracts";
import type * as z from "zod";

/** zod issues → `[{ path: "body.title", message }]`, naming unknown keys one by one. */
export function toFieldErrors(error: z.ZodError, root: "body" | "query"): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const base = [root, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: `${base}.${key}`, message: "Unknown field" }));
    }
    if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      return [{ path: base, message: "Required" }];
    }
    return [{ path: base, message: issue.message }];
  });
}
