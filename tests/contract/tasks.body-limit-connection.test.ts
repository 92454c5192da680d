import type { TestUser } from "@tandem/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { keptAliveClient } from "./support/kept-alive.ts";
import { expectProblem } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { userRows } from "./support/tasks.ts";

// A refused oversized body must not cost the client its connection silently: the 413 is always
// read, and the connection is then either kept (the server read and discarded the rest of the
// body) or closed after the 413 said `Connection: close`. The next request on the same client is
// answered either way.

const KIB = 1024;
const SIZES = [
  { label: "100 KB", bytes: 100 * KIB },
  { label: "2 MB", bytes: 2 * KIB * KIB },
  { label: "20 MB", bytes: 20 * KIB * KIB },
];
const FRAMINGS = [
  { label: "declared length", chunked: false },
  { label: "chunked", chunked: true },
];

function jsonOfSize(bytes: number): Uint8Array {
  const head = '{"title":"big","description":"';
  const tail = '"}';
  return Buffer.from(head + "x".repeat(bytes - head.length - tail.length) + tail);
}

describe.each(targets())("oversized bodies on a kept-alive connection ($label)", (target) => {
  const h = useApi(target);
  let user: TestUser;
  let client: ReturnType<typeof keptAliveClient> | undefined;
  beforeAll(async () => {
    user = await h.signUp();
  });
  afterEach(() => client?.close());

  const auth = () => ({ authorization: `Bearer ${user.token}` });

  describe.each(SIZES)("$label", ({ bytes }) => {
    it.each(FRAMINGS)(
      "$label: 413 is read, then the same client's next request is answered",
      async ({ chunked }) => {
        client = keptAliveClient(h.url);
        const refused = await client.send({
          method: "POST",
          path: "/api/tasks",
          headers: { ...auth(), "content-type": "application/json" },
          body: jsonOfSize(bytes),
          chunked,
        });
        await expectProblem(
          new Response(refused.body, { status: refused.status, headers: refused.headers }),
          413,
          "PAYLOAD_TOO_LARGE",
        );
        const next = await client.send({ method: "GET", path: "/api/tasks", headers: auth() });
        expect(next.status, next.body).toBe(200);
        // Kept alive unless the 413 said otherwise: never closed after promising to stay open.
        const saidClose = /close/i.test(refused.headers.get("connection") ?? "");
        expect(next.reused).toBe(!saidClose);
      },
    );
  });

  it.each(FRAMINGS)(
    "$label: a client that sends Connection: close still reads the 413",
    async ({ chunked }) => {
      client = keptAliveClient(h.url);
      const refused = await client.send({
        method: "POST",
        path: "/api/tasks",
        headers: { ...auth(), "content-type": "application/json", connection: "close" },
        body: jsonOfSize(20 * KIB * KIB),
        chunked,
      });
      expect(refused.status, refused.body).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      const next = await client.send({ method: "GET", path: "/api/tasks", headers: auth() });
      expect(next.status, next.body).toBe(200);
      expect(await userRows(h, user.id)).toEqual([]);
    },
  );
});
