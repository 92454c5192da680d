import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  type ApiClientOptions,
  ApiUnreachableError,
  createApiClient,
  createTokenManager,
  decodeJwtClaims,
  isServiceProblem,
  SessionEndedError,
} from "./api-client";
import { teamList } from "./team-task-parse";

// The browser's token manager and API client, against stubbed `fetch` functions and a fake clock.

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

let serial = 0;
/** An unsigned JWT-shaped token (the client never verifies signatures). */
function jwt(claims: { iat?: number; exp?: number; name?: string }): string {
  return `${b64url({ alg: "EdDSA", kid: "k" })}.${b64url({ sub: "u1", n: ++serial, ...claims })}.c2ln`;
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  json(
    status,
    { type: `urn:tandem:problem:${code}`, title: code, status, code, ...extra },
    "application/problem+json",
  );

/** A clock in ms and a token endpoint issuing tokens of `lifetime` seconds stamped with that clock. */
function tokenServer(lifetime: number) {
  const clock = { ms: 1_700_000_000_000 };
  const fetchToken = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    const iat = Math.floor(clock.ms / 1000);
    return json(200, { token: jwt({ iat, exp: iat + lifetime }) });
  });
  return { clock, fetchToken, now: () => clock.ms };
}

const TASK = {
  id: "t1",
  title: "Buy milk",
  description: null,
  completed: false,
  priority: "medium",
  dueAt: null,
  completedAt: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
};

describe("decodeJwtClaims", () => {
  it("reads exp and iat from a base64url payload, whatever else it holds", () => {
    expect(decodeJwtClaims(jwt({ iat: 10, exp: 910, name: "Zoë 🚀" }))).toEqual({ iat: 10, exp: 910 });
  });

  it("returns null for something that is not a JWT", () => {
    expect(decodeJwtClaims("nope")).toBeNull();
    expect(decodeJwtClaims("a.%%%.c")).toBeNull();
  });
});

describe("token manager", () => {
  it("fetches the token same-origin with the cookie and reuses it until shortly before expiry", async () => {
    const { clock, fetchToken, now } = tokenServer(900);
    const tokens = createTokenManager({ fetch: fetchToken, now });
    const first = await tokens.getToken();
    expect(fetchToken).toHaveBeenCalledWith(
      "/api/auth/token",
      expect.objectContaining({ credentials: "same-origin" }),
    );
    clock.ms += 869_000; // 31 s left of 15 min: still good (the margin is 30 s)
    expect(await tokens.getToken()).toBe(first);
    clock.ms += 2_000; // 29 s left: renew
    expect(await tokens.getToken()).not.toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("renews short-lived tokens when less than 20 % of their lifetime remains", async () => {
    const { clock, fetchToken, now } = tokenServer(10);
    const tokens = createTokenManager({ fetch: fetchToken, now });
    const first = await tokens.getToken();
    clock.ms += 7_900;
    expect(await tokens.getToken()).toBe(first);
    clock.ms += 200; // 1.9 s of 10 s left
    expect(await tokens.getToken()).not.toBe(first);
  });

  it("counts the lifetime from when the token arrived, so a wrong browser clock does not matter", async () => {
    const fetchToken = vi.fn(async () => json(200, { token: jwt({ iat: 1000, exp: 1900 }) })); // issued in 1970
    const tokens = createTokenManager({ fetch: fetchToken, now: () => 1_700_000_000_000 });
    await tokens.getToken();
    await tokens.getToken();
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("shares one renewal between concurrent callers", async () => {
    const { fetchToken, now } = tokenServer(900);
    const tokens = createTokenManager({ fetch: fetchToken, now });
    const all = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set(all).size).toBe(1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("reports a session that is gone once, and refuses with SessionEndedError", async () => {
    const onSessionEnded = vi.fn();
    const tokens = createTokenManager({
      fetch: async () => json(401, { code: "UNAUTHORIZED" }),
      onSessionEnded,
    });
    await expect(tokens.getToken()).rejects.toBeInstanceOf(SessionEndedError);
    await expect(tokens.getToken()).rejects.toBeInstanceOf(SessionEndedError);
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });

  it("keeps using a still-valid token when renewal fails for a reason other than the session", async () => {
    const { clock, fetchToken, now } = tokenServer(900);
    const tokens = createTokenManager({ fetch: fetchToken, now });
    const first = await tokens.getToken();
    clock.ms += 880_000; // inside the renewal margin, not expired
    fetchToken.mockRejectedValueOnce(new TypeError("fetch failed"));
    expect(await tokens.getToken()).toBe(first);
    clock.ms += 30_000; // expired now
    fetchToken.mockRejectedValueOnce(new TypeError("fetch failed"));
    await expect(tokens.getToken()).rejects.toBeInstanceOf(ApiUnreachableError);
  });
});

describe("API client", () => {
  function setup(
    api: (url: string, init: RequestInit, token: string) => Response | Promise<Response>,
    more: Partial<ApiClientOptions> = {},
  ) {
    const server = tokenServer(900);
    const calls: { url: string; init: RequestInit; token: string }[] = [];
    const apiFetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const token = new Headers(init.headers).get("Authorization")?.replace(/^Bearer /, "") ?? "";
      calls.push({ url: String(input), init, token });
      return api(String(input), init, token);
    });
    const tokens = createTokenManager({ fetch: server.fetchToken, now: server.now });
    const client = createApiClient({ baseUrl: "http://api.test/", tokens, fetch: apiFetch, ...more });
    return { client, calls, fetchToken: server.fetchToken };
  }

  it("sends the bearer token and the query, and parses the page", async () => {
    const { client, calls } = setup(() => json(200, { items: [TASK], nextCursor: null }));
    const page = await client.listTasks({ status: "active", q: "milk & eggs", sort: "due", cursor: "" });
    expect(page.items[0]?.title).toBe("Buy milk");
    expect(calls[0]?.url).toBe("http://api.test/api/tasks?status=active&q=milk+%26+eggs&sort=due");
    expect(calls[0]?.token.split(".")).toHaveLength(3);
    expect(calls[0]?.init.credentials).toBe("omit");
  });

  it("on a 401 renews the token once and retries once", async () => {
    let refused = false;
    const { client, calls, fetchToken } = setup((_url, _init, _token) => {
      if (!refused) {
        refused = true;
        return problem(401, "INVALID_TOKEN");
      }
      return json(201, TASK);
    });
    await expect(client.createTask({ title: "Buy milk" })).resolves.toMatchObject({ id: "t1" });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.token).not.toBe(calls[0]?.token);
    expect(calls[1]?.init.body).toBe(JSON.stringify({ title: "Buy milk" }));
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("does not loop when the retried request is refused again", async () => {
    const { client, calls } = setup(() => problem(401, "INVALID_TOKEN", { detail: "Token rejected" }));
    const error = await client.getTask("t1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(calls).toHaveLength(2);
  });

  it("shares one renewal when several requests are refused with the same token", async () => {
    let refusedToken: string | undefined;
    const { client, fetchToken } = setup((_url, _init, token) => {
      refusedToken ??= token;
      return token === refusedToken
        ? problem(401, "INVALID_TOKEN")
        : json(200, { all: 1, active: 1, completed: 0 });
    });
    const results = await Promise.all([client.stats(), client.stats(), client.stats()]);
    expect(results.every((r) => r.all === 1)).toBe(true);
    expect(fetchToken).toHaveBeenCalledTimes(2); // the first token, then one renewal for all three
  });

  it("turns problem+json into a typed ApiError with field messages", async () => {
    const { client } = setup(() =>
      problem(400, "VALIDATION_FAILED", {
        detail: "The request is invalid",
        errors: [{ path: "body.title", message: "Title must not be empty" }],
      }),
    );
    const error = (await client.updateTask("t1", { title: " " }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.fieldMessage("title")).toBe("Title must not be empty");
    expect(isServiceProblem(error)).toBe(false);
  });

  it("reports a network failure as ApiUnreachableError and a 5xx page as a service problem", async () => {
    const down = setup(() => Promise.reject(new TypeError("fetch failed")));
    const unreachable = await down.client.deleteTask("t1").catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(ApiUnreachableError);
    expect(isServiceProblem(unreachable)).toBe(true);

    const gateway = setup(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = (await gateway.client.stats().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(isServiceProblem(error)).toBe(true);
  });

  it("passes the caller's own abort through instead of calling it an outage", async () => {
    const { client } = setup(
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
        ),
    );
    const controller = new AbortController();
    const pending = client.listTasks({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error = await pending.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).name).toBe("AbortError");
  });

  it("deletes with a 204 and no body", async () => {
    const { client, calls } = setup(() => new Response(null, { status: 204 }));
    await expect(client.deleteTask("a/b")).resolves.toBeUndefined();
    expect(calls[0]?.url).toBe("http://api.test/api/tasks/a%2Fb");
    expect(calls[0]?.init.method).toBe("DELETE");
  });

  it("serves a team's list from its path, keeping the team fields, and shows every refusal to onError", async () => {
    const teamTask = { ...TASK, teamId: "team1", createdBy: "u1", assigneeId: null };
    const onError = vi.fn();
    const { client, calls } = setup(
      (url) =>
        url.endsWith("/t1")
          ? problem(404, "TEAM_NOT_FOUND")
          : json(200, { items: [teamTask], nextCursor: null }),
      { ...teamList("team1"), onError },
    );
    const page = await client.listTasks({ sort: "due" });
    expect(calls[0]?.url).toBe("http://api.test/api/teams/team1/tasks?sort=due");
    expect(page.items[0]).toEqual(teamTask);
    const error = await client.updateTask("t1", { assigneeId: "u2" }).catch((e: unknown) => e);
    expect(calls[1]?.url).toBe("http://api.test/api/teams/team1/tasks/t1");
    expect(onError).toHaveBeenCalledWith(error);
    expect((error as ApiError).code).toBe("TEAM_NOT_FOUND");
  });
});
