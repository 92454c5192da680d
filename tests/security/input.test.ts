// Requirements group 8: input validation — against the running API with a real token.
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectProblem } from "./lib/expect.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";
import { aliceAndBobsTask, expectTaskUntouched, type Task } from "./lib/two-users.ts";

describe.each(targets())("8. input validation ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let bob: Account;
  let bobTask: Task;
  beforeAll(async () => {
    ({ alice, bob, bobTask } = await aliceAndBobsTask(s()));
  });
  const asAlice = (path: string, init: Parameters<ReturnType<typeof s>["api"]>[1] = {}) =>
    s().api(path, { token: alice.token, ...init });
  const expectBobTaskUntouched = () => expectTaskUntouched(s(), bob, bobTask);

  const create = (init: Parameters<typeof asAlice>[1]) => asAlice("/api/tasks", { method: "POST", ...init });

  attack("a body over 64 KiB (with and without Content-Length)", "413 PAYLOAD_TOO_LARGE", async () => {
    const big = JSON.stringify({ title: "x", description: "y".repeat(70 * 1024) });
    expectProblem(
      await create({ body: big, headers: { "content-type": "application/json" } }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    const chunked = new Blob([big]).stream();
    const response = await fetch(`${s().apiUrl}/api/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  attack(
    "a body that is not JSON (text, form, multipart, XML, none)",
    "415 UNSUPPORTED_MEDIA_TYPE",
    async () => {
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/json; charset=latin1",
      ]) {
        expectProblem(
          await create({ body: '{"title":"x"}', headers: { "content-type": type } }),
          415,
          "UNSUPPORTED_MEDIA_TYPE",
        );
      }
      expectProblem(await create({ body: '{"title":"x"}' }), 415, "UNSUPPORTED_MEDIA_TYPE");
    },
  );

  attack(
    "malformed JSON (truncated, trailing garbage, single quotes, empty)",
    "400 INVALID_JSON",
    async () => {
      for (const body of ["{", '{"title": }', '{"title":"x"} trailing', "{'title':'x'}", "", "NaN"]) {
        expectProblem(
          await create({ body, headers: { "content-type": "application/json" } }),
          400,
          "INVALID_JSON",
        );
      }
    },
  );

  attack("wrong types that a lax parser would coerce", "400 VALIDATION_FAILED naming the field", async () => {
    for (const [json, path] of [
      [{ title: 123 }, "body.title"],
      [{ title: "x", completed: "true" }, "body.completed"],
      [{ title: "x", completed: 1 }, "body.completed"],
      [{ title: "x", priority: "urgent" }, "body.priority"],
      [{ title: "x", dueAt: "tomorrow" }, "body.dueAt"],
      [{ title: ["x"] }, "body.title"],
      [{ title: null }, "body.title"],
    ] as const) {
      const body = expectProblem(await create({ json }), 400, "VALIDATION_FAILED");
      expect(JSON.stringify(body.errors)).toContain(path);
    }
    for (const json of [[], "a title", 42, null]) {
      expectProblem(await create({ json }), 400, "VALIDATION_FAILED");
    }
  });

  attack(
    "limits: a 201-character title, a 5001-character description, limit=0/-1/1e2, a 201-character search",
    "400 VALIDATION_FAILED",
    async () => {
      expectProblem(await create({ json: { title: "t".repeat(201) } }), 400, "VALIDATION_FAILED");
      expectProblem(
        await create({ json: { title: "t", description: "d".repeat(5001) } }),
        400,
        "VALIDATION_FAILED",
      );
      for (const limit of ["0", "-1", "1e2", "abc", " 5"]) {
        expectProblem(
          await asAlice(`/api/tasks?limit=${encodeURIComponent(limit)}`),
          400,
          "VALIDATION_FAILED",
        );
      }
      expectProblem(await asAlice(`/api/tasks?q=${"q".repeat(201)}`), 400, "VALIDATION_FAILED");
      const clamped = await asAlice("/api/tasks?limit=100000");
      expect(clamped.status).toBe(200);
    },
  );

  attack(
    "Unicode titles (emoji, combining marks, NFD vs NFC, RTL, CJK, 200 astral code points)",
    "201, returned byte-exact",
    async () => {
      for (const title of [
        "🧑🏽‍🚀 launch",
        "e\u0301te\u0301",
        "\u00e9t\u00e9",
        "שלום עולם",
        "日本語のタスク",
        "𝕏".repeat(200),
      ]) {
        const response = await create({ json: { title } });
        expect(response.status).toBe(201);
        const stored = await asAlice(`/api/tasks/${response.json<Task>().id}`);
        expect(Buffer.from(stored.json<Task>().title)).toEqual(Buffer.from(title));
      }
    },
  );

  attack(
    "NUL, lone surrogates, control characters and invalid UTF-8",
    "400 (VALIDATION_FAILED or INVALID_JSON), nothing stored",
    async () => {
      for (const raw of [
        '{"title":"a\\u0000b"}',
        '{"title":"\\ud800"}',
        '{"title":"x\\udfff"}',
        '{"title":"bell\\u0007"}',
      ]) {
        expectProblem(
          await create({ body: raw, headers: { "content-type": "application/json" } }),
          400,
          "VALIDATION_FAILED",
        );
      }
      const invalidUtf8 = new Uint8Array([...Buffer.from('{"title":"'), 0xc3, 0x28, ...Buffer.from('"}')]);
      expectProblem(
        await create({ body: invalidUtf8, headers: { "content-type": "application/json" } }),
        400,
        "INVALID_JSON",
      );
      const encodedSurrogate = new Uint8Array([
        ...Buffer.from('{"title":"'),
        0xed,
        0xa0,
        0x80,
        ...Buffer.from('"}'),
      ]);
      expectProblem(
        await create({ body: encodedSurrogate, headers: { "content-type": "application/json" } }),
        400,
        "INVALID_JSON",
      );
    },
  );

  attack(
    "injection strings (SQL, HTML/script, template, LIKE wildcards)",
    "201 and stored inertly: returned exactly, the table intact",
    async () => {
      const payloads = [
        "'; DROP TABLE task; --",
        "<script>alert(1)</script>",
        "{{7*7}} ${7*7} #{7*7}",
        "%_\\",
        '") OR 1=1 --',
      ];
      for (const title of payloads) {
        const response = await create({ json: { title, description: title } });
        expect(response.status).toBe(201);
        expect(response.json<Task>()).toMatchObject({ title, description: title });
      }
      // A LIKE wildcard searched literally: only the row that contains it.
      const found = (await asAlice(`/api/tasks?q=${encodeURIComponent("%_")}`)).json<{ items: Task[] }>();
      expect(found.items.map((t) => t.title)).toEqual(["%_\\"]);
      await expectBobTaskUntouched();
    },
  );

  attack(
    "prototype-pollution keys (__proto__, constructor.prototype)",
    "400 VALIDATION_FAILED; no object gains properties",
    async () => {
      for (const raw of [
        '{"title":"x","__proto__":{"admin":true}}',
        '{"title":"x","constructor":{"prototype":{"admin":true}}}',
        '{"__proto__":{"title":"x"}}',
      ]) {
        expectProblem(
          await create({ body: raw, headers: { "content-type": "application/json" } }),
          400,
          "VALIDATION_FAILED",
        );
      }
      const me = await asAlice("/api/me");
      expect(me.json()).toMatchObject({ id: alice.id, name: "Alice" });
    },
  );

  attack(
    "a sort or status outside the allowed values, repeated parameters, a forged cursor",
    "400 (VALIDATION_FAILED / INVALID_CURSOR)",
    async () => {
      for (const query of [
        "sort=title;drop",
        "sort=user_id",
        "status=deleted",
        "order=sideways",
        "limit=5&limit=6",
      ]) {
        expectProblem(await asAlice(`/api/tasks?${query}`), 400, "VALIDATION_FAILED");
      }
      const forged = Buffer.from(JSON.stringify({ userId: bob.id, id: bobTask.id })).toString("base64url");
      expectProblem(await asAlice(`/api/tasks?cursor=${forged}`), 400, "INVALID_CURSOR");
    },
  );
});
