import { type Problem, type SortOrder, TASK_SORTS, type TaskPage, type TaskSort } from "@tandem/contracts";
import { testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { decodeCursor, encodeCursor } from "./tasks.cursor.ts";
import { InvalidCursorError } from "./tasks.errors.ts";

const COMBOS = TASK_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((order) => ({ sort, order })));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

function thrown(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("cursor encoding", () => {
  it("round-trips the sort key values of its own sort and order", () => {
    const values = ["2026-01-01T00:00:00.000Z", "0194-id"];
    const cursor = encodeCursor("created", "desc", values);
    expect(decodeCursor(cursor, "created", "desc", ["instant", "text"])).toEqual(values);
  });

  it("refuses a cursor of another sort or order with InvalidCursorError", () => {
    const cursor = encodeCursor("created", "desc", ["2026-01-01T00:00:00.000Z", "x"]);
    for (const [sort, order] of [
      ["created", "asc"],
      ["title", "desc"],
    ] as const) {
      const error = thrown(() => decodeCursor(cursor, sort, order, ["instant", "text"]));
      expect(error).toBeInstanceOf(InvalidCursorError);
    }
  });
});

describe.each(testDialects())("task list cursors (%s)", (dialect) => {
  let h: ApiHarness;
  let token: string;

  beforeEach(async () => {
    h = await createApiHarness(dialect);
    token = (await h.signUp()).token;
    for (const [title, priority, dueAt] of [
      ["Alpha", "low", "2030-01-01T00:00:00.000Z"],
      ["beta", "high", null],
      ["Gamma", "medium", "2029-05-05T05:05:05.000Z"],
    ] as const) {
      const created = await h.request("POST", "/api/tasks", { token, body: { title, priority, dueAt } });
      expect(created.status).toBe(201);
    }
  });
  afterEach(() => h.close());

  function list(query: Record<string, string>): Promise<Response> {
    return h.request("GET", `/api/tasks?${new URLSearchParams(query)}`, { token });
  }

  async function firstCursor(sort: TaskSort, order: SortOrder): Promise<string> {
    const body = (await (await list({ sort, order, limit: "1" })).json()) as TaskPage;
    if (body.nextCursor === null) throw new Error("expected a second page");
    return body.nextCursor;
  }

  async function expectProblem(response: Response, code: Problem["code"], label: string): Promise<void> {
    expect(response.status, `${label}: ${await response.clone().text()}`).toBe(400);
    expect(response.headers.get("content-type"), label).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as Problem).code, label).toBe(code);
  }

  it("lists each task exactly as the single-task route returns it (database-built JSON)", async () => {
    // The list's JSON is written by SQL (tasks.serializer.ts), the other routes' by toTask: they must agree
    // on every field, including quoting, Unicode, booleans and instants at the ends of the range.
    const inputs = [
      { title: 'Quote " back\\slash / 😀 e\u0301 \u2028', description: 'line\nnext\ttab "x" </script>' },
      { title: "Done, high", priority: "high", completed: true, dueAt: "0001-01-01T00:00:00.000Z" },
      { title: "Low, far", priority: "low", dueAt: "9999-12-31T23:59:59.999Z", description: "" },
      { title: "Offset", dueAt: "2026-03-29T01:30:00.5+02:00", description: null },
    ];
    for (const body of inputs) {
      const created = await h.request("POST", "/api/tasks", { token, body });
      expect(created.status, await created.clone().text()).toBe(201);
    }
    const response = await list({ limit: "100" });
    expect(response.headers.get("content-type")).toBe("application/json");
    const page = (await response.json()) as TaskPage;
    expect(page.items).toHaveLength(inputs.length + 3);
    for (const item of page.items) {
      const single = await h.request("GET", `/api/tasks/${item.id}`, { token });
      expect(item).toStrictEqual(await single.json());
    }
    const done = page.items.find((t) => t.title === "Done, high");
    expect(done).toMatchObject({ completed: true, dueAt: "0001-01-01T00:00:00.000Z" });
    expect(done?.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(page.items.find((t) => t.title === "Offset")?.dueAt).toBe("2026-03-28T23:30:00.500Z");
  });

  it("refuses a cursor used with another sort or order", async () => {
    for (const from of COMBOS) {
      const cursor = await firstCursor(from.sort, from.order);
      expect((await list({ ...from, cursor })).status).toBe(200);
      for (const to of COMBOS.filter((c) => c.sort !== from.sort || c.order !== from.order)) {
        await expectProblem(
          await list({ ...to, cursor }),
          "INVALID_CURSOR",
          `${JSON.stringify(from)} → ${JSON.stringify(to)}`,
        );
      }
    }
  });

  it("answers 400 INVALID_CURSOR to garbage", async () => {
    const garbage = [
      "", "!!!", "%%%", "a", "====", "null", encode(null), encode(42), encode("x"), encode([]), encode({}),
      Buffer.from("{not json", "utf8").toString("base64url"), Buffer.from([0xff, 0xfe, 0x00]).toString("base64url"),
      encode({ s: "created", o: "desc" }), encode({ s: "created", o: "desc", v: "x" }),
      encode({ s: "CREATED", o: "desc", v: ["2026-01-01T00:00:00.000Z", "x"] }),
      encode({ s: "created", o: "DESC", v: ["2026-01-01T00:00:00.000Z", "x"] }),
    ]; // prettier-ignore
    for (const cursor of garbage) await expectProblem(await list({ cursor }), "INVALID_CURSOR", cursor);
  });

  it("answers 400, never a database error, to forged sort-key values", async () => {
    const badForEveryKey: unknown[] = [null, true, {}, [], "\u0000", "a\u0000b", "\ud800"];
    const badInstants = ["abc", "", "2024-02-30T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "2024-01-01", 5];
    const badRanks = ["1", "abc", 0.5, -1, 3, 1e300, 2 ** 31];
    for (const { sort, order } of COMBOS) {
      const cursor = await firstCursor(sort, order);
      const { v } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v: unknown[] };
      const forge = (values: unknown[]) => encode({ s: sort, o: order, v: values });
      await expectProblem(
        await list({ sort, order, cursor: forge(v.slice(0, -1)) }),
        "INVALID_CURSOR",
        "short",
      );
      await expectProblem(await list({ sort, order, cursor: forge([...v, "x"]) }), "INVALID_CURSOR", "long");
      for (const [i, real] of v.entries()) {
        const isInstant = typeof real === "string" && /^\d{4}-\d\d-\d\dT/.test(real);
        const bad = [
          ...badForEveryKey,
          ...(typeof real === "number" ? badRanks : isInstant ? badInstants : []),
        ];
        for (const value of bad) {
          const forged = forge(v.map((x, j) => (j === i ? value : x)));
          const label = `${sort} ${order} key ${i} = ${JSON.stringify(value)?.slice(0, 40)}`;
          await expectProblem(await list({ sort, order, cursor: forged }), "INVALID_CURSOR", label);
        }
      }
      // Well-typed values that no row has are legitimate positions: a page, not an error.
      const plausible = v.map((x) =>
        typeof x === "number" ? 1 : /^\d{4}-/.test(String(x)) ? "2001-02-03T04:05:06.007Z" : "zz",
      );
      expect((await list({ sort, order, cursor: forge(plausible) })).status, `${sort} ${order}`).toBe(200);
    }
  });

  it("refuses an over-long cursor as invalid input", async () => {
    await expectProblem(await list({ cursor: "a".repeat(4097) }), "VALIDATION_FAILED", "4097 characters");
  });

  it("pages by title through 200-character titles of 4-byte characters in both orders", async () => {
    // Every title is at most 200 code points, so every title-sort cursor must be accepted back.
    for (const tail of ["😀", "😁", "😂"]) {
      const title = "😀".repeat(199) + tail;
      expect((await h.request("POST", "/api/tasks", { token, body: { title } })).status).toBe(201);
    }
    for (const order of ["asc", "desc"] as const) {
      const titles: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 10; n++) {
        const response = await list({
          sort: "title",
          order,
          limit: "1",
          ...(cursor === undefined ? {} : { cursor }),
        });
        expect(response.status, await response.clone().text()).toBe(200);
        const body = (await response.json()) as TaskPage;
        titles.push(...body.items.map((t) => t.title));
        if (body.nextCursor === null) break;
        cursor = body.nextCursor;
      }
      expect(titles, order).toHaveLength(6);
    }
  });

  it("pages by creation through interleaved active and completed tasks, ties included, as one order", async () => {
    // Both statuses by creation are served as two index ranges merged (decision 031): every page
    // must be the next rows of the one total order (created_at, then id), whatever the mix.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const body = {
        title: i % 3 === 0 ? `findme ${i}` : `task ${i}`,
        completed: [1, 2, 5, 6, 7, 11].includes(i),
      };
      const created = await h.request("POST", "/api/tasks", { token, body });
      expect(created.status).toBe(201);
      ids.push(((await created.json()) as { id: string }).id);
    }
    // Five tasks, of both statuses, created in the same millisecond: only the id orders them.
    await h.apiDatabase.db
      .updateTable("task")
      .set({ created_at: "2026-02-03T04:05:06.007Z" })
      .where("id", "in", ids.slice(3, 8))
      .execute();
    const everything = ((await (await list({ limit: "100" })).json()) as TaskPage).items;
    expect(new Set(everything.map((t) => t.completed))).toEqual(new Set([true, false]));
    for (const q of [undefined, "findme"]) {
      const expected = everything
        .filter((t) => q === undefined || t.title.includes(q))
        .sort((a, b) =>
          a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
        );
      for (const order of ["asc", "desc"] as const) {
        for (const limit of ["1", "2", "5"]) {
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let n = 0; n < 40; n++) {
            const query = {
              order,
              limit,
              ...(q === undefined ? {} : { q }),
              ...(cursor === undefined ? {} : { cursor }),
            };
            const body = (await (await list(query)).json()) as TaskPage;
            seen.push(...body.items.map((t) => t.id));
            if (body.nextCursor === null) break;
            cursor = body.nextCursor;
          }
          const want = expected.map((t) => t.id);
          expect(seen, `${q ?? "all"} ${order} by ${limit}`).toEqual(order === "asc" ? want : want.reverse());
        }
      }
    }
  });
});
