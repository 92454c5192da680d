import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { expectProblem } from "./support/problems.ts";
import { sendRaw } from "./support/raw-http.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

// Both backends bound a request's header block (request line + header fields) at 16 KiB, as
// Node does by default: beyond it, 431 problem+json where an answer can still be written, the
// connection closes, and the process keeps serving.
const BOUND = 16 * 1024;

/** Sends a header block in small pieces over a raw socket and returns what came back. */
function trickle(baseUrl: string, head: string, padding: number): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (error) => (received.length > 0 ? undefined : reject(error)));
    socket.on("close", () => resolve(Buffer.concat(received).toString("latin1")));
    socket.on("connect", () => {
      void (async () => {
        socket.write(`${head}X-Padding: `);
        for (let sent = 0; sent < padding && !socket.destroyed && received.length === 0; sent += 2048) {
          socket.write("p".repeat(2048));
          await new Promise((r) => setTimeout(r, 5));
        }
        if (!socket.destroyed) socket.write("\r\n\r\n");
      })();
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer within 10 s")));
  });
}

describe.each(targets())("header block bound ($label)", (target) => {
  const h = useApi(target);
  const big = "a".repeat(64 * 1024);

  it("a 64 KiB Authorization header → 431 problem+json, never processed", async () => {
    const response = await sendRaw(h.url, {
      method: "GET",
      path: "/api/me",
      headers: { authorization: `Bearer ${big}` },
    });
    const problem = await expectProblem(response, 431, "HEADERS_TOO_LARGE");
    expect(problem.detail).toContain(String(BOUND));
    expect((await h.request("GET", "/health")).status).toBe(200);
  });

  it("64 KiB in any other header → 431 problem+json (also on a public route)", async () => {
    for (const path of ["/health", "/api/me"]) {
      const response = await sendRaw(h.url, { method: "GET", path, headers: { "x-padding": big } });
      await expectProblem(response, 431, "HEADERS_TOO_LARGE");
    }
  });

  it("many small headers adding up to more than 16 KiB → 431", async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 40; i += 1) headers[`x-field-${i}`] = "v".repeat(500);
    await expectProblem(
      await sendRaw(h.url, { method: "GET", path: "/health", headers }),
      431,
      "HEADERS_TOO_LARGE",
    );
  });

  it("a header block arriving in small pieces past the bound → 431 problem+json, then the connection closes", async () => {
    const answer = await trickle(h.url, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n", 64 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 431, code: "HEADERS_TOO_LARGE" });
  });

  it("a header block under the bound (12 KiB) is served, and the process is up after every refusal", async () => {
    const response = await sendRaw(h.url, {
      method: "GET",
      path: "/health",
      headers: { "x-padding": "b".repeat(12 * 1024) },
    });
    expect(response.status).toBe(200);
    expect((await h.request("GET", "/health")).status).toBe(200);
  });
});
