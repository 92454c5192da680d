import { createDb } from "@tandem/db";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonLines } from "./support/logs.ts";
import { PROBLEM } from "./support/problems.ts";
import { logsThrough, type StartedApi, startApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

// Server-side failures, which break the backend's database: each test gets a backend of its own.
describe.each(targets())("failures ($label)", (target) => {
  let h: StartedApi;
  beforeEach(async () => {
    // Revocation checked on every request, so the session store is read after the failure.
    h = await startApi(target, { env: { AUTH_REVOCATION_CHECK_SECONDS: "0" } });
  });
  afterEach(() => h.close());

  async function expectUnavailable(response: Response): Promise<void> {
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(PROBLEM);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect(text).not.toMatch(
      /destroy|driver|kysely|sqlalchemy|psycopg|sqlite|postgres|ECONN|stack|traceback|database ".*"|does not exist/i,
    );
  }

  it("answers an internal failure with a bare INTERNAL_ERROR and logs the cause under the request id", async () => {
    const user = await h.signUp();
    await sql`DROP TABLE task`.execute(h.database.db);
    const response = await h.request("GET", "/api/tasks", { token: user.token });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(PROBLEM);
    const requestId = response.headers.get("x-request-id") ?? "";
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      type: "urn:tandem:problem:internal-error",
      title: "Internal server error",
      status: 500,
      instance: "/api/tasks",
      code: "INTERNAL_ERROR",
      requestId,
    });
    expect(text).not.toMatch(/select|relation|no such table|stack|\.ts:|\.py:/i);
    // The driver's own message (SQLite's or Postgres's), only in the log.
    const cause = /no such table: task|relation \\?"task\\?" does not exist/;
    const lines = jsonLines(await logsThrough(h, requestId)).filter((line) => line.reqId === requestId);
    expect(lines.map((line) => JSON.stringify(line)).filter((line) => cause.test(line))).not.toEqual([]);
  });

  // Registered only on Postgres: a SQLite file cannot be taken away from a process holding it open.
  if (target.dialect === "postgres") {
    it("is not ready, and fails closed with 503 + Retry-After, when its database is dropped", async () => {
      const user = await h.signUp();
      // Warm the key cache first: Better Auth serves its keys from this same database.
      expect((await h.request("GET", "/api/me", { token: user.token })).status).toBe(200);
      expect((await h.request("GET", "/ready")).status).toBe(200);

      const name = new URL(h.database.url).pathname.slice(1);
      const admin = createDb(process.env.TEST_DATABASE_URL, { poolSize: 1 });
      // Our own handle goes first: its connections would otherwise die under it.
      await h.database.destroy();
      try {
        await sql`DROP DATABASE ${sql.id(name)} WITH (FORCE)`.execute(admin.db);
      } finally {
        await admin.destroy();
      }
      await expectUnavailable(await h.request("GET", "/ready"));
      expect((await h.request("GET", "/health")).status).toBe(200);
      const api = await h.request("GET", "/api/me", { token: user.token });
      expect(api.headers.get("retry-after")).toMatch(/^\d+$/);
      await expectUnavailable(api);
    });
  }
});
