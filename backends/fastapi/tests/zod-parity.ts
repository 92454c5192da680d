// Reads cases from stdin ({ schema, raw } per line: a JSON body or a query object) and prints, one
// line each, what the TypeScript API's schemas answer: the field errors, or the parsed value.
// tests/test_parity.py compares the Python backend's answers with these.
import { createInterface } from "node:readline";
import {
  CreateTaskSchema,
  CreateTeamTaskSchema,
  ListTasksQuerySchema,
  TaskStatsQuerySchema,
  UpdateTaskSchema,
  UpdateTeamTaskSchema,
} from "../../../packages/contracts/src/index.ts";
import { toFieldErrors } from "../../../apps/api/src/http/validation.ts";

const SCHEMAS = {
  create: [CreateTaskSchema, "body"],
  update: [UpdateTaskSchema, "body"],
  teamCreate: [CreateTeamTaskSchema, "body"],
  teamUpdate: [UpdateTeamTaskSchema, "body"],
  list: [ListTasksQuerySchema, "query"],
  stats: [TaskStatsQuerySchema, "query"],
} as const;

interface Case {
  schema: keyof typeof SCHEMAS;
  raw: string;
}

for await (const line of createInterface({ input: process.stdin })) {
  const { schema, raw } = JSON.parse(line) as Case;
  const [zod, root] = SCHEMAS[schema];
  const parsed = zod.safeParse(JSON.parse(raw));
  const answer = parsed.success ? { data: parsed.data } : { errors: toFieldErrors(parsed.error, root) };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
