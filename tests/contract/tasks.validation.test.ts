import { type Task, TaskSchema } from "@tandem/contracts";
import type { TestUser } from "@tandem/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { expectProblem } from "./support/problems.ts";
import { sendRaw } from "./support/raw-http.ts";
import { allRows, createTask, rawRequest, userRows, writeTargets } from "./support/tasks.ts";

// Request bodies as bytes: content types, size limits, JSON syntax and UTF-8. The fields inside a
// well-formed body are covered by tasks.validation-fields.test.ts and tasks.validation-text.test.ts.

const KIB = 1024;
const DEFAULT_LIMIT = 64 * KIB;
const utf8 = new TextEncoder();

/** `{"title":"padded"}` followed by spaces up to exactly `size` bytes (whitespace is valid JSON). */
function paddedBody(size: number): string {
  const json = JSON.stringify({ title: "padded" });
  return json + " ".repeat(size - json.length);
}

describe.each(targets())("task request bodies ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  let task: Task;
  beforeEach(async () => {
    user = await h.signUp();
    task = await createTask(h, user.token, { title: "Existing", description: "kept" });
  });

  describe("content type", () => {
    interface Refused {
      name: string;
      body: () => RequestInit["body"];
      contentType?: string;
    }
    const json = '{"title":"x"}';

    async function expectAllRefused(cases: Refused[]): Promise<void> {
      const rowsBefore = await allRows(h);
      for (const c of cases) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await rawRequest(h, target.method, target.path, {
            token: user.token,
            body: c.body(),
            ...(c.contentType === undefined ? {} : { headers: { "content-type": c.contentType } }),
          });
          const label = `${c.name}: ${target.method} ${target.path}`;
          expect(response.status, label).toBe(415);
          await expectProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE");
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    }

    it("a JSON body without Content-Type, or sent as text, answers 415 on every write route and changes nothing", async () => {
      await expectAllRefused([
        { name: "no Content-Type", body: () => utf8.encode(json) },
        { name: "an empty Content-Type", body: () => json, contentType: "" },
        { name: "text/plain", body: () => json, contentType: "text/plain" },
        { name: "text/plain added by fetch for a string", body: () => json },
        { name: "text/json", body: () => json, contentType: "text/json" },
      ]);
    });

    it("form-encoded and multipart bodies answer 415 on every write route and change nothing", async () => {
      await expectAllRefused([
        { name: "URLSearchParams", body: () => new URLSearchParams({ title: "x" }) },
        { name: "declared form", body: () => "title=x", contentType: "application/x-www-form-urlencoded" },
        {
          name: "FormData",
          body: () => {
            const form = new FormData();
            form.set("title", "x");
            return form;
          },
        },
        { name: "declared multipart", body: () => json, contentType: "multipart/form-data; boundary=x" },
      ]);
    });

    it("look-alike types and non-UTF-8 JSON charsets answer 415 on every write route and change nothing", async () => {
      await expectAllRefused([
        { name: "application/xml", body: () => "<title>x</title>", contentType: "application/xml" },
        { name: "application/jsonp", body: () => json, contentType: "application/jsonp" },
        { name: "a list of types", body: () => json, contentType: "application/json, text/plain" },
        { name: "latin-1", body: () => json, contentType: "application/json; charset=iso-8859-1" },
        { name: "UTF-16", body: () => json, contentType: "application/json; charset=utf-16" },
      ]);
    });

    it("a request with no body at all answers 415 on every write route", async () => {
      for (const target of writeTargets(user.id, task.id)) {
        const response = await rawRequest(h, target.method, target.path, { token: user.token });
        await expectProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE");
      }
    });

    it("application/json with or without a UTF-8 charset, in any case, is accepted (201)", async () => {
      for (const contentType of [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
        'application/json; charset="utf-8"',
      ]) {
        const response = await rawRequest(h, "POST", "/api/tasks", {
          token: user.token,
          body: '{"title":"typed"}',
          headers: { "content-type": contentType },
        });
        expect(response.status, `${contentType}: ${await response.clone().text()}`).toBe(201);
        expect(TaskSchema.parse(await response.json()).title).toBe("typed");
      }
    });
  });

  describe("size limit", () => {
    it("a body of exactly 64 KiB is accepted (201)", async () => {
      const body = paddedBody(DEFAULT_LIMIT);
      expect(utf8.encode(body).byteLength).toBe(DEFAULT_LIMIT);
      const response = await h.request("POST", "/api/tasks", { token: user.token, body });
      expect(response.status, await response.clone().text()).toBe(201);
    });

    it("a body one byte over 64 KiB answers 413 PAYLOAD_TOO_LARGE on every write route and changes nothing", async () => {
      const rowsBefore = await allRows(h);
      const body = paddedBody(DEFAULT_LIMIT + 1);
      for (const target of writeTargets(user.id, task.id)) {
        const headers = { authorization: `Bearer ${user.token}`, "content-type": "application/json" };
        // Streamed (chunked, no Content-Length) and declared up front.
        const streamed = await sendRaw(h.url, { ...target, headers, body, chunkBytes: 8 * KIB });
        await expectProblem(streamed, 413, "PAYLOAD_TOO_LARGE");
        const declared = await sendRaw(h.url, { ...target, headers, body });
        await expectProblem(declared, 413, "PAYLOAD_TOO_LARGE");
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("a multi-megabyte body answers 413 whatever its content type", async () => {
      const big = "x".repeat(4 * KIB * KIB);
      for (const contentType of ["application/json", "text/plain"]) {
        const response = await sendRaw(h.url, {
          method: "POST",
          path: "/api/tasks",
          headers: { authorization: `Bearer ${user.token}`, "content-type": contentType },
          body: JSON.stringify({ title: "big", description: big }),
        });
        await expectProblem(response, 413, "PAYLOAD_TOO_LARGE");
      }
      expect(await userRows(h, user.id)).toHaveLength(1);
    });
  });

  describe("JSON syntax", () => {
    it("malformed JSON answers 400 INVALID_JSON (no field errors) on every write route and changes nothing", async () => {
      const malformed = [
        "",
        " ",
        "{",
        '{"title":"x"',
        "{title:'x'}",
        "{'title':'x'}",
        '{"title":"x",}',
        '{"title":"x"} trailing',
        '{"title":"x"}{"title":"y"}',
        '{"title":"a\\x"}',
        '{"title":"a\nb"}',
        '{"title":"\\u12"}',
        "NaN",
        "undefined",
        '{"title":"x","completed":tru}',
        '{"title":"x","priority":01}',
      ];
      const rowsBefore = await allRows(h);
      for (const body of malformed) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await h.request(target.method, target.path, { token: user.token, body });
          expect(response.status, `${JSON.stringify(body)}: ${target.method} ${target.path}`).toBe(400);
          const problem = await expectProblem(response, 400, "INVALID_JSON");
          expect(problem.errors).toBeUndefined();
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("a body that is not UTF-8 (stray, overlong, truncated bytes or an encoded surrogate) answers 400 INVALID_JSON", async () => {
      // Raw bytes inside `{"title":"a…b"}`: RFC 8259 §8.1 requires UTF-8, and a lenient decoder
      // would silently turn them into U+FFFD.
      const invalid: [string, number[]][] = [
        ["a stray 0xFF byte", [0xff]],
        ["an encoded lone surrogate (ED A0 80)", [0xed, 0xa0, 0x80]],
        ["an overlong slash (C0 AF)", [0xc0, 0xaf]],
        ["a truncated sequence (E2 82)", [0xe2, 0x82]],
        ["a lone continuation byte (80)", [0x80]],
      ];
      for (const [name, bytes] of invalid) {
        const body = Uint8Array.from([...utf8.encode('{"title":"a'), ...bytes, ...utf8.encode('b"}')]);
        for (const target of writeTargets(user.id, task.id)) {
          const response = await rawRequest(h, target.method, target.path, {
            token: user.token,
            body,
            headers: { "content-type": "application/json" },
          });
          expect(response.status, `${name}: ${target.method} ${target.path}`).toBe(400);
          await expectProblem(response, 400, "INVALID_JSON");
        }
      }
      expect(await userRows(h, user.id)).toHaveLength(1);
    });

    it("well-formed JSON that is not an object (null, array, string, number, boolean) answers 400 VALIDATION_FAILED", async () => {
      const rowsBefore = await allRows(h);
      for (const body of ["null", "[]", '[{"title":"x"}]', '"x"', "1", "true", "false"]) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await h.request(target.method, target.path, { token: user.token, body });
          expect(response.status, `${body}: ${target.method} ${target.path}`).toBe(400);
          const problem = await expectProblem(response, 400, "VALIDATION_FAILED");
          expect(problem.errors?.length).toBeGreaterThan(0);
        }
      }
      expect(await allRows(h)).toEqual(rowsBefore);
    });

    it("deeply nested JSON answers 400 VALIDATION_FAILED, not 500", async () => {
      const depth = 20_000;
      const nested = "[".repeat(depth) + "]".repeat(depth);
      for (const body of [`{"title":"x","description":${nested}}`, `{"title":"x","extra":${nested}}`]) {
        for (const target of writeTargets(user.id, task.id)) {
          const response = await h.request(target.method, target.path, { token: user.token, body });
          await expectProblem(response, 400, "VALIDATION_FAILED");
        }
      }
      expect(await userRows(h, user.id)).toHaveLength(1);
    });
  });
});
