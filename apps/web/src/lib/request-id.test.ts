// Issue 17: a server-side API call carries the web server's request id into the API's log line.
import { describe, expect, it } from "vitest";
import { createApiClient } from "./api-client";
import { requestIdFor, withRequestId } from "./request-id";

describe("withRequestId", () => {
  it("sends X-Request-Id on every API call, beside the bearer token", async () => {
    const seen: Headers[] = [];
    const fake: typeof fetch = (_input, init) => {
      seen.push(new Headers(init?.headers));
      return Promise.resolve(
        new Response(JSON.stringify({ items: [], nextCursor: null }), {
          headers: { "content-type": "application/json" },
        }),
      );
    };
    const client = createApiClient({
      baseUrl: "http://api.test",
      tokens: { getToken: () => Promise.resolve("jwt") },
      fetch: withRequestId("render-7", fake),
    });
    await client.listTasks({}).catch(() => undefined);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]?.get("x-request-id")).toBe("render-7");
    expect(seen[0]?.get("authorization")).toBe("Bearer jwt");
  });
});

describe("requestIdFor", () => {
  it("keeps the balancer's id and replaces anything unsafe to log with a fresh one", () => {
    expect(requestIdFor("3f1c-haproxy_id=")).toBe("3f1c-haproxy_id=");
    for (const bad of [null, undefined, "", "a b", "x".repeat(129), "tandem_pat_abc"]) {
      expect(requestIdFor(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
