// Brute-force defence (issue 4): Better Auth's limiter is on, keeps its counters in the database
// and takes the client address only from headers the operator declared trustworthy.
import { randomBytes } from "node:crypto";
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "@tandem/testing";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** One wrong-password sign-in attempt; `headers` adds e.g. a forwarded address. */
async function attempt(server: AuthServer, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${server.baseURL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { origin: server.baseURL, "content-type": "application/json", ...headers },
    body: JSON.stringify({ email: "nobody@example.test", password: "wrong-password-123" }),
  });
  await response.body?.cancel();
  return response;
}

async function statuses(server: AuthServer, count: number, headers: Record<string, string> = {}) {
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) result.push((await attempt(server, headers)).status);
  return result;
}

describe.each(testDialects())("rate limiting (%s)", (dialect) => {
  let database: TestDatabase;
  const servers: AuthServer[] = [];
  const secret = randomBytes(32).toString("base64url");

  async function server(options: { trustedIpHeaders?: string[] } = {}): Promise<AuthServer> {
    const started = await startAuthServer({ database, secret, rateLimit: true, ...options });
    servers.push(started);
    return started;
  }

  async function rateLimitRows(): Promise<{ key: string; count: number }[]> {
    const { rows } = await sql<{ key: string; count: number | string }>`
      select ${sql.ref("key")}, ${sql.ref("count")} from ${sql.table("rateLimit")}`.execute(database.db);
    return rows.map((row) => ({ key: row.key, count: Number(row.count) }));
  }

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await database.cleanup();
  });

  it("answers the 4th sign-in attempt within 10 s with 429 and X-Retry-After", async () => {
    const auth = await server();
    expect(await statuses(auth, 3)).toEqual([401, 401, 401]);
    const limited = await attempt(auth);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("x-retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10);
  });

  it("keeps the counters in the database, shared by every instance", async () => {
    const [a, b] = [await server(), await server()];
    // Alternating between two instances still reaches the limit on the 4th attempt.
    expect([(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status]).toEqual([
      401, 401, 401,
    ]);
    expect((await attempt(b)).status).toBe(429);
    // Better Auth's memory store is one Map per process, which two instances in this process would
    // also share: the rows show where the count really lives, and emptying them lifts the limit.
    expect(await rateLimitRows()).toEqual([{ key: "127.0.0.1|/sign-in/email", count: 3 }]);
    await sql`delete from ${sql.table("rateLimit")}`.execute(database.db);
    expect((await attempt(b)).status).toBe(401);
  });

  it("ignores a forged X-Forwarded-For when no proxy header is trusted", async () => {
    const auth = await server();
    const forged = (i: number) => ({ "x-forwarded-for": `203.0.113.${i}` });
    const results: number[] = [];
    for (let i = 1; i <= 4; i += 1) results.push((await attempt(auth, forged(i))).status);
    expect(results).toEqual([401, 401, 401, 429]);
    expect((await rateLimitRows()).map((row) => row.key)).toEqual(["127.0.0.1|/sign-in/email"]);
  });

  it("gives each address its own bucket when the proxy's header is trusted", async () => {
    const auth = await server({ trustedIpHeaders: ["X-Real-IP"] });
    const from = (ip: string) => ({ "x-real-ip": ip });
    expect(await statuses(auth, 4, from("198.51.100.7"))).toEqual([401, 401, 401, 429]);
    expect(await statuses(auth, 3, from("198.51.100.8"))).toEqual([401, 401, 401]);
    // X-Forwarded-For is not the trusted header: it changes nothing.
    expect((await attempt(auth, { ...from("198.51.100.7"), "x-forwarded-for": "192.0.2.1" })).status).toBe(
      429,
    );
    const keys = (await rateLimitRows()).map((row) => row.key).sort();
    expect(keys).toEqual(["198.51.100.7|/sign-in/email", "198.51.100.8|/sign-in/email"]);
  });

  it("never limits the public key set, which every API instance fetches from one address", async () => {
    const auth = await server();
    // 100 per 10 s is the default rule for other routes: 130 fetches would cross it.
    const answers = await Promise.all(
      Array.from({ length: 130 }, async () => {
        const response = await fetch(`${auth.baseURL}/api/auth/jwks`);
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(new Set(answers)).toEqual(new Set([200]));
    const signIns = await statuses(auth, 4);
    expect(signIns.at(-1)).toBe(429); // the limiter itself is on
  });
});
