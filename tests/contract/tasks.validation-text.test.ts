import { type Task, TaskSchema } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { expectProblem } from "./support/problems.ts";
import {
  allRows,
  createTask,
  getTask,
  listTasks,
  taskStats,
  userRows,
  writeTargets,
} from "./support/tasks.ts";

// Titles and descriptions as text: trimming, length in code points, control characters, NUL and
// lone surrogates, Unicode kept byte-exact, injection strings stored inertly and searched literally.

const utf8 = new TextEncoder();

function bytes(value: string | null): string {
  return value === null ? "null" : Buffer.from(utf8.encode(value)).toString("hex");
}

describe.each(targets())("task text ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  let task: Task;
  beforeEach(async () => {
    user = await h.signUp();
    task = await createTask(h, user.token, { title: "Existing", description: "kept" });
  });

  /** Sends the raw JSON text to every write route; each must answer 400 VALIDATION_FAILED naming `path`. */
  async function expectRefused(json: string, path: string): Promise<void> {
    const rowsBefore = await allRows(h);
    for (const target of writeTargets(user.id, task.id)) {
      const response = await h.request(target.method, target.path, { token: user.token, body: json });
      const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
      expect(
        problem.errors?.map((e) => e.path),
        `${target.method} ${target.path}`,
      ).toContain(path);
    }
    expect(await allRows(h)).toEqual(rowsBefore);
  }

  /** Sends the body to every write route; each must succeed and store and return `expected` exactly. */
  async function expectStored(
    body: Record<string, unknown>,
    expected: { title?: string; description?: string | null },
  ) {
    for (const target of writeTargets(user.id, task.id)) {
      const response = await h.request(target.method, target.path, { token: user.token, body });
      expect(response.status, `${target.method} ${target.path}: ${await response.clone().text()}`).toBe(
        target.method === "POST" ? 201 : 200,
      );
      const returned = TaskSchema.parse(await response.json());
      const stored = await getTask(h, user.token, returned.id);
      const row = await h.database.db
        .selectFrom("task")
        .select(["title", "description"])
        .where("id", "=", returned.id)
        .executeTakeFirstOrThrow();
      for (const [field, value] of Object.entries(expected)) {
        const key = field as "title" | "description";
        expect(bytes(returned[key]), `${target.method} ${target.path} ${field}`).toBe(bytes(value));
        expect(bytes(stored[key])).toBe(bytes(value));
        expect(bytes(row[key])).toBe(bytes(value));
      }
    }
  }

  describe("trimming and length", () => {
    it("titles are stored trimmed of surrounding whitespace (spaces, tabs, line breaks, NBSP, ideographic space)", async () => {
      for (const [title, expected] of [
        ["  Buy milk  ", "Buy milk"],
        ["\t Buy milk \r\n", "Buy milk"],
        ["\u00a0\u3000Buy milk\u2003", "Buy milk"],
        [` ${"a".repeat(200)} `, "a".repeat(200)],
      ]) {
        await expectStored({ title }, { title: expected });
      }
    });

    it("an empty or whitespace-only title answers 400 VALIDATION_FAILED and changes nothing", async () => {
      for (const json of [
        '{"title":""}',
        '{"title":"   "}',
        '{"title":"\\t\\r\\n"}',
        '{"title":"\\u3000\\u3000"}',
      ]) {
        await expectRefused(json, "body.title");
      }
    });

    it("a title over 200 code points (ASCII, emoji or combining marks) answers 400 and changes nothing", async () => {
      for (const title of ["a".repeat(201), "😀".repeat(201), "e\u0301".repeat(100) + "e"]) {
        await expectRefused(JSON.stringify({ title }), "body.title");
      }
    });

    it("a title of exactly 200 code points is accepted and kept exactly, an emoji counting once", async () => {
      // 200 ASCII letters; 200 emoji (400 UTF-16 code units); 200 astral CJK; 100 × (e + combining acute).
      for (const title of ["a".repeat(200), "😀".repeat(200), "𠜎".repeat(200), "e\u0301".repeat(100)]) {
        await expectStored({ title }, { title });
      }
    });

    it("a description of 5000 code points (emoji) is accepted and 5001 answers 400", async () => {
      await expectStored({ title: "t", description: "😀".repeat(5000) }, { description: "😀".repeat(5000) });
      await expectRefused(JSON.stringify({ title: "t", description: "x".repeat(5001) }), "body.description");
      await expectRefused(JSON.stringify({ title: "t", description: "😀".repeat(5001) }), "body.description");
    });

    it("a null description is accepted and stored as null", async () => {
      await expectStored({ title: "t", description: null }, { description: null });
    });

    it("a description keeps its inner tabs and line breaks", async () => {
      const description = "line one\nline two\r\n\tindented";
      await expectStored({ title: "t", description }, { description });
    });
  });

  describe("NUL, lone surrogates and control characters", () => {
    it("NUL in a title or description answers 400 VALIDATION_FAILED", async () => {
      await expectRefused('{"title":"a\\u0000b"}', "body.title");
      await expectRefused('{"title":"\\u0000"}', "body.title");
      await expectRefused('{"title":"t","description":"a\\u0000b"}', "body.description");
    });

    it("a lone or reversed surrogate escape in a title or description answers 400 VALIDATION_FAILED", async () => {
      for (const json of [
        '{"title":"\\ud800"}',
        '{"title":"\\udfff"}',
        '{"title":"a\\ud83db"}',
        '{"title":"\\ude00\\ud83d"}',
        '{"title":"ok \\ud83d\\ude00 \\udc00"}',
      ]) {
        await expectRefused(json, "body.title");
      }
      for (const json of [
        '{"title":"t","description":"\\ud800"}',
        '{"title":"t","description":"x\\udbff"}',
      ]) {
        await expectRefused(json, "body.description");
      }
    });

    it("an escaped surrogate pair is one astral character and is accepted", async () => {
      const response = await h.request("POST", "/api/tasks", {
        token: user.token,
        body: '{"title":"\\ud83d\\ude00"}',
      });
      expect(response.status).toBe(201);
      expect(bytes(TaskSchema.parse(await response.json()).title)).toBe(bytes("😀"));
    });

    it("a title containing a control character (C0, inner tab or line break, ESC, DEL, C1) answers 400", async () => {
      const controls = [
        "\u0001",
        "\u0007",
        "\b",
        "\t",
        "\n",
        "\r",
        "\u001b[31m",
        "\u001f",
        "\u007f",
        "\u0085",
        "\u009b",
      ];
      for (const control of controls) {
        await expectRefused(JSON.stringify({ title: `a${control}b` }), "body.title");
      }
    });

    it("a description containing a control character other than tab and line breaks answers 400", async () => {
      for (const control of ["\u0001", "\u001b", "\u007f", "\u0085"]) {
        await expectRefused(JSON.stringify({ title: "t", description: `a${control}b` }), "body.description");
      }
    });
  });

  describe("Unicode kept byte-exact", () => {
    const samples: [string, string][] = [
      ["NFD (e + combining acute)", "Cafe\u0301"],
      ["NFC (precomposed é)", "Caf\u00e9"],
      ["a compatibility character (ﬁ ligature)", "\ufb01le"],
      ["the Ångström sign (NFC maps it to Å)", "\u212b"],
      ["decomposed Hangul jamo", "\u1100\u1161\u11a8"],
      ["Hebrew (RTL)", "שלום עולם"],
      ["Arabic (RTL) with digits", "مرحبا 123"],
      ["mixed direction", "abc שלום def"],
      ["an emoji ZWJ family", "👩‍👩‍👧‍👦"],
      ["skin tone and flag", "👍🏽 🇫🇷"],
      ["astral mathematical letters", "𝕳𝖊𝖑𝖑𝖔"],
      ["astral CJK", "𠜎𠜱𠝹"],
      ["zero-width joiner and non-joiner", "a\u200db\u200cc"],
      ["stacked combining marks", "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d"],
      ["a variation selector", "\u2764\ufe0f"],
      ["a BOM inside the text", "a\ufeffb"],
    ];

    it.each([
      ["normalisation forms and compatibility characters", samples.slice(0, 5)],
      ["right-to-left and mixed-direction text", samples.slice(5, 8)],
      ["emoji sequences, astral characters, joiners and combining marks", samples.slice(8)],
    ])("%s are returned, listed and stored exactly as sent", async (_, cases) => {
      for (const [name, text] of cases) {
        const both = `${text}\n${text}`;
        await expectStored({ title: text, description: both }, { title: text, description: both });
        const listed = await listTasks(h, user.token);
        expect(
          listed.some((t) => bytes(t.title) === bytes(text)),
          name,
        ).toBe(true);
      }
    });

    it("NFC and NFD spellings stay two different titles", async () => {
      const nfc = await createTask(h, user.token, { title: "Caf\u00e9" });
      const nfd = await createTask(h, user.token, { title: "Cafe\u0301" });
      expect(bytes((await getTask(h, user.token, nfc.id)).title)).toBe("436166c3a9");
      expect(bytes((await getTask(h, user.token, nfd.id)).title)).toBe("43616665cc81");
    });
  });

  describe("injection strings", () => {
    const hostile = [
      "'; DROP TABLE task; --",
      "Robert'); DROP TABLE task;--",
      '" OR "1"="1',
      "' OR 1=1 --",
      "1; SELECT * FROM user",
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "${7*7} {{7*7}} #{7*7}",
      "%",
      "_",
      "\\",
      "\\%",
      "%_%",
      "$1 ? :id @p0",
      "../../etc/passwd",
    ];

    it("are stored inertly and returned exactly; the table survives", async () => {
      const created = new Map<string, string>();
      for (const text of hostile) {
        const t = await createTask(h, user.token, { title: text, description: text });
        expect(t.title).toBe(text);
        expect(t.description).toBe(text);
        created.set(t.id, text);
      }
      for (const [id, text] of created) {
        const stored = await getTask(h, user.token, id);
        expect(stored.title).toBe(text);
        expect(stored.description).toBe(text);
      }
      expect((await listTasks(h, user.token)).length).toBe(hostile.length + 1);
      expect(await userRows(h, user.id)).toHaveLength(hostile.length + 1);
    });

    it("are served as JSON, never as HTML", async () => {
      const t = await createTask(h, user.token, { title: "<script>alert(1)</script>" });
      const response = await h.request("GET", `/api/tasks/${t.id}`, { token: user.token });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    });

    it("search matches %, _, \\, quotes and markup only where they occur literally, in lists and stats", async () => {
      const titles = [
        "100% done",
        "snake_case name",
        "back\\slash",
        "it's here",
        "50%_off",
        "escaped \\% sign",
        "'; DROP TABLE task; --",
        "<script>alert(1)</script>",
        "a * star",
        "plain words",
        "percent sign",
        "underscore",
      ];
      for (const title of titles) await createTask(h, user.token, { title });
      for (const q of ["%", "_", "\\", "'", "%_", "\\%", "'; DROP", "<script>", "*"]) {
        const expected = [...titles, "Existing"]
          .filter((t) => t.toLowerCase().includes(q.toLowerCase()))
          .sort();
        const found = (await listTasks(h, user.token, `q=${encodeURIComponent(q)}`))
          .map((t) => t.title)
          .sort();
        expect(found, `q=${q}`).toEqual(expected);
        const stats = await h.request("GET", `/api/tasks/stats?q=${encodeURIComponent(q)}`, {
          token: user.token,
        });
        expect(await stats.json(), `stats q=${q}`).toEqual({
          all: expected.length,
          active: expected.length,
          completed: 0,
        });
      }
      expect((await taskStats(h, user.token)).all).toBe(titles.length + 1);
    });
  });
});
