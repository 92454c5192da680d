import { describe, expect, it } from "vitest";
import { checkTaskFields, parseProblem, parseTask, parseTaskPage, parseTaskStats } from "./client.ts";
import { ProblemSchema } from "./errors.ts";
import { CreateTaskSchema, TaskPageSchema, TaskSchema, TaskStatsSchema } from "./tasks.ts";

// The browser's checks (client.ts, no zod) against the API's zod schemas, over the same inputs:
// the same verdict, the same data, and the same first problem.

const TITLES = [
  "",
  " ",
  "a",
  "  padded  ",
  "x".repeat(200),
  "x".repeat(201),
  " ".repeat(3) + "x".repeat(200) + " ",
  "😀".repeat(200),
  "😀".repeat(201),
  "a\u0000b",
  "a\nb",
  "a\tb",
  "a\rb",
  "\u007f",
  "\u0085",
  "\u009f",
  "\ud800",
  "a\udc00b",
  "e\u0301",
  "\u2028 line sep",
  "Ünïcödé ✓",
  "\u00a0nbsp\u00a0",
];
const DESCRIPTIONS = [
  undefined,
  null,
  "",
  "   ",
  "line\nnext",
  "tab\there",
  "cr\r\nlf",
  "\u0001",
  "\u000b",
  "\u000c",
  "\u0085",
  "x".repeat(5000),
  "x".repeat(5001),
  "😀".repeat(5000),
  "😀".repeat(5001),
  "\ud800",
  "  spaced  ",
];
const yearIso = (year: number) => {
  const d = new Date(Date.UTC(2000, 5, 15, 12, 30, 45, 678));
  d.setUTCFullYear(year);
  return d.toISOString();
};
const DUE = [
  undefined,
  null,
  "",
  "2026-01-01",
  "2026-01-01T00:00:00Z",
  "2026-01-01T00:00:00.5+02:00",
  "2026-03-29T01:30:00.123456-05:30",
  "2026-02-29T00:00:00.000Z",
  "2024-02-29T00:00:00.000Z",
  "2026-02-30T00:00:00.000Z",
  "2026-04-31T00:00:00.000Z",
  "2026-13-01T00:00:00.000Z",
  "2026-01-01T24:00:00.000Z",
  "2026-01-01T00:00:60.000Z",
  "2026-01-01 00:00:00Z",
  "2026-01-01T00:00:00",
  "0001-01-01T00:00:00.000Z",
  "0001-01-01T00:30:00+01:00",
  "9999-12-31T23:59:59.999Z",
  "9999-12-31T23:30:00-01:00",
  yearIso(0),
  yearIso(10000),
  yearIso(-1),
  yearIso(1),
  yearIso(9999),
];
const PRIORITIES = [undefined, "low", "medium", "high", "urgent", ""];

function expectSameVerdict(input: Record<string, unknown>) {
  const zod = CreateTaskSchema.safeParse(input);
  const light = checkTaskFields(input as Parameters<typeof checkTaskFields>[0]);
  const label = JSON.stringify(input).slice(0, 120);
  expect(light.success, label).toBe(zod.success);
  if (zod.success && light.success) expect(light.data, label).toEqual(zod.data);
  if (!zod.success && !light.success) {
    const first = zod.error.issues[0];
    expect(light.issue, label).toEqual({ path: first?.path[0], message: first?.message });
  }
}

describe("checkTaskFields gives CreateTaskSchema's verdict", () => {
  it("for titles and descriptions", () => {
    for (const title of TITLES)
      for (const description of DESCRIPTIONS) expectSameVerdict({ title, description });
  });

  it("for priorities and due dates", () => {
    for (const priority of PRIORITIES)
      for (const dueAt of DUE) expectSameVerdict({ title: "t", priority, dueAt });
  });

  it("for random due instants across the whole range and beyond", () => {
    for (let i = 0; i < 2000; i++) {
      const time = (Math.random() * 2 - 1) * 4e14; // ±12,700 years around 1970
      const date = new Date(time);
      expectSameVerdict({ title: "t", dueAt: date.toISOString() });
      const offset = `${Math.random() < 0.5 ? "+" : "-"}${String(Math.floor(Math.random() * 24)).padStart(2, "0")}:30`;
      expectSameVerdict({ title: "t", dueAt: date.toISOString().replace("Z", offset) });
    }
  });
});

const TASK = {
  id: "0194f0a4-0000-7000-8000-000000000001",
  title: "Plan",
  description: null,
  completed: false,
  priority: "medium",
  dueAt: null,
  completedAt: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const BAD_VALUES = [undefined, null, 0, 1.5, Number.NaN, "", "x", true, [], {}, ["a"], 2 ** 53];
/** The task with one field replaced, removed or added. */
function variants(base: Record<string, unknown>): unknown[] {
  const out: unknown[] = [base, null, [], "task", 1, { ...base, extra: "dropped" }];
  for (const key of Object.keys(base)) {
    const { [key]: _, ...without } = base;
    out.push(without);
    for (const value of BAD_VALUES) out.push({ ...base, [key]: value });
  }
  return out;
}

function expectSameParse(
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown } },
  parse: (v: unknown) => unknown,
  values: unknown[],
) {
  for (const value of values) {
    const zod = schema.safeParse(value);
    expect(parse(value), JSON.stringify(value)?.slice(0, 160)).toEqual(zod.success ? zod.data : null);
  }
}

describe("the answer parsers give the zod schemas' results", () => {
  it("parseTask ~ TaskSchema", () => {
    expectSameParse(TaskSchema, parseTask, [
      ...variants(TASK),
      ...variants({
        ...TASK,
        description: "d",
        completed: true,
        priority: "high",
        dueAt: "x",
        completedAt: "y",
      }),
    ]);
  });

  it("parseTaskPage ~ TaskPageSchema", () => {
    expectSameParse(TaskPageSchema, parseTaskPage, [
      ...variants({ items: [TASK, TASK], nextCursor: "c" }),
      { items: [], nextCursor: null },
      { items: [TASK, { ...TASK, completed: "no" }], nextCursor: null },
      { items: [{ ...TASK, extra: 1 }], nextCursor: null },
    ]);
  });

  it("parseTaskStats ~ TaskStatsSchema", () => {
    expectSameParse(TaskStatsSchema, parseTaskStats, [
      ...variants({ all: 3, active: 1, completed: 2 }),
      { all: -1, active: 0, completed: -1 },
      { all: 2 ** 53 - 1, active: 0, completed: 2 ** 53 - 1 },
      { all: Number.POSITIVE_INFINITY, active: 0, completed: 0 },
    ]);
  });

  it("parseProblem ~ ProblemSchema", () => {
    const problem = {
      type: "urn:tandem:problem:validation-failed",
      title: "Validation failed",
      status: 400,
      code: "VALIDATION_FAILED",
      detail: "The request body is invalid",
      instance: "/api/tasks",
      requestId: "r1",
      errors: [{ path: "body.title", message: "Title must not be empty" }],
    };
    const { detail: _d, instance: _i, requestId: _r, errors: _e, ...minimal } = problem;
    expectSameParse(ProblemSchema, parseProblem, [
      ...variants(problem),
      ...variants(minimal),
      { ...problem, code: "NOT_A_CODE" },
      { ...problem, code: "toString" },
      { ...problem, errors: [{ path: "x" }] },
      { ...problem, errors: [{ path: "x", message: "m", extra: true }] },
      { ...problem, errors: [] },
    ]);
  });
});
