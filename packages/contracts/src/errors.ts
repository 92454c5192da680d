import * as z from "zod";
import { ERROR_CODES, type ErrorCode } from "./rules.ts";

export { ERROR_CODES, type ErrorCode, problemType } from "./rules.ts";

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** One invalid field of a request, as reported in `errors` of a VALIDATION_FAILED problem. */
export const FieldErrorSchema = z.object({
  path: z.string().describe("Where the problem is: `body.title`, `query.limit`…"),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** The one error shape of the API: RFC 9457 problem details plus a stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().describe("A URI naming the problem type"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe("The request path"),
    code: ErrorCodeSchema,
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof ProblemSchema>;
