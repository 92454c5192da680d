import { afterEach, describe, expect, it } from "vitest";
import { createApiHarness, type ApiHarness } from "../../test/api-harness.ts";
import { sample } from "../../test/metrics-sample.ts";
import { createTokenCache } from "../auth/token-cache.ts";
import { createApiMetrics } from "./metrics.ts";

describe("API metrics (issue 17)", () => {
  let h: ApiHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("move with traffic: requests by route pattern, auth failures, JWKS fetches, cache hits", async () => {
    const metrics = createApiMetrics();
    h = await createApiHarness("sqlite", {
      metrics,
      jwks: { fetch: metrics.countingFetch() },
      tokenCache: metrics.countingTokenCache(createTokenCache()),
    });
    const ada = await h.signUp();
    const created = await h.request("POST", "/api/tasks", { token: ada.token, body: { title: "one" } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await h.request("GET", `/api/tasks/${id}`, { token: ada.token })).status).toBe(200);
    expect((await h.request("GET", `/api/tasks/${id}`, { token: ada.token })).status).toBe(200);
    expect((await h.request("GET", "/api/tasks")).status).toBe(401);
    // A token that fails verification is thrown as the verifier's error, not an ApiError.
    const forged = `${ada.token.slice(0, -4)}AAAA`;
    expect((await h.request("GET", "/api/tasks", { token: forged })).status).toBe(401);

    const text = await metrics.registry.metrics();
    // The route pattern, never the id.
    expect(text).not.toContain(id);
    expect(sample(text, 'tandem_http_requests_total{method="GET",route="/api/tasks/:id",status="200"}')).toBe(
      2,
    );
    expect(
      sample(
        text,
        'tandem_http_request_duration_seconds_count{method="GET",route="/api/tasks/:id",status="200"}',
      ),
    ).toBe(2);
    expect(sample(text, 'tandem_http_requests_total{method="POST",route="/api/tasks",status="201"}')).toBe(1);
    expect(sample(text, 'tandem_auth_failures_total{reason="UNAUTHENTICATED"}')).toBe(1);
    expect(sample(text, 'tandem_auth_failures_total{reason="INVALID_TOKEN"}')).toBe(1);
    expect(sample(text, 'tandem_jwks_fetches_total{outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tandem_cache_lookups_total{cache="token",result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tandem_cache_lookups_total{cache="token",result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'tandem_cache_lookups_total{cache="revocation",result="hit"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("logs the caller's X-Request-Id on the request's line, so a web render can be followed", async () => {
    h = await createApiHarness("sqlite");
    const response = await h.request("GET", "/api/tasks", { headers: { "x-request-id": "web-render-42" } });
    expect(response.headers.get("x-request-id")).toBe("web-render-42");
    const line = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.path === "/api/tasks");
    expect(line).toMatchObject({ reqId: "web-render-42", status: 401 });
  });

  it("reports a pg pool's connections in use and waiting", async () => {
    const metrics = createApiMetrics({ defaults: false });
    metrics.observePool(() => ({ totalCount: 5, idleCount: 2, waitingCount: 1 }));
    const text = await metrics.registry.metrics();
    expect(sample(text, 'tandem_db_pool_connections{state="in_use"}')).toBe(3);
    expect(sample(text, 'tandem_db_pool_connections{state="waiting"}')).toBe(1);
  });
});
