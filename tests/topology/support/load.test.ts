// The load generator against a fake API on loopback: what it counts, retries and refreshes.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { startLoad } from "./load.ts";
import type { VirtualUser } from "./users.ts";
import { figures } from "./verify.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function jwt(lifetimeSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "EdDSA" })}.${part({ iat: now, exp: now + lifetimeSeconds, jti: randomUUID() })}.sig`;
}

async function fakeApi(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => handle(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A user whose token has `remainingMs` of its 600 s left. */
function user(index: number, remainingMs = 600_000): VirtualUser {
  const now = Date.now();
  return {
    index,
    id: `user-${index}`,
    cookie: "better-auth.session_token=x",
    token: jwt(600),
    tokenIssuedAt: now + remainingMs - 600_000,
    tokenExpiresAt: now + remainingMs,
  };
}

function created(res: ServerResponse, body: string) {
  const { title } = JSON.parse(body) as { title: string };
  res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: randomUUID(), title }));
}

test("counts reads, acknowledged writes and failures by reason, within its time bound", async () => {
  let n = 0;
  const url = await fakeApi((req, res, body) => {
    n += 1;
    if (n % 10 === 0) return res.writeHead(503, { "retry-after": "5" }).end('{"code":"SERVICE_UNAVAILABLE"}');
    if (n % 17 === 0) return req.socket.destroy();
    if (req.method === "POST") return created(res, body);
    res.writeHead(200, { "content-type": "application/json" }).end('{"items":[]}');
  });
  const started = Date.now();
  const load = startLoad({
    label: "unit",
    apiUrl: url,
    webUrl: url,
    users: [user(0), user(1)],
    maxDurationMs: 600,
    paceMs: 10,
  });
  const report = await load.done;
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(report.sent).toBeGreaterThan(10);
  expect(report.sent).toBe(report.outcomes.length);
  expect(report.failed).toBe((report.failures["status 503"] ?? 0) + (report.failures.network ?? 0));
  expect(report.failures["status 503"]).toBeGreaterThan(0);
  expect(report.acknowledged.length).toBeGreaterThan(0);
  expect(report.acknowledged.every((w) => w.title.startsWith(report.titlePrefix))).toBe(true);
  const line = figures(report, { found: 1, missing: [], duplicates: 0, unacknowledgedRows: 0 });
  expect(line).toMatch(
    /^unit: sent \d+, failed \d+ \(.*status 503.*\), writes acknowledged \d+, found 1 \(duplicates 0\)$/,
  );
});

test("retries reads (never writes) on 503 and network errors, so the client sees none", async () => {
  let n = 0;
  const url = await fakeApi((req, res, body) => {
    n += 1;
    if (n % 3 === 0) return res.writeHead(503).end();
    if (n % 3 === 1 && req.method === "GET") return req.socket.destroy();
    if (req.method === "POST") return created(res, body);
    res.writeHead(200).end("{}");
  });
  const report = await startLoad({
    label: "retry",
    apiUrl: url,
    webUrl: url,
    users: [user(0)],
    maxDurationMs: 500,
    paceMs: 5,
    retryIdempotent: true,
  }).done;
  const reads = report.outcomes.filter((o) => o.method === "GET");
  expect(reads.some((o) => o.retried)).toBe(true);
  expect(reads.every((o) => o.ok)).toBe(true);
  expect(report.failedAttempts).toBeGreaterThan(0);
  expect(report.outcomes.filter((o) => o.method === "POST").every((o) => o.attempts === 1)).toBe(true);
});

test("refreshes a token nearing expiry from the web app, and times out a silent server", async () => {
  const seen = new Set<string>();
  const url = await fakeApi((req, res) => {
    if (req.url === "/api/auth/token") {
      return res.writeHead(200).end(JSON.stringify({ token: jwt(600) }));
    }
    seen.add(req.headers.authorization ?? "");
    if (req.method === "POST") return; // never answered
    res.writeHead(200).end("{}");
  });
  const nearlyExpired = user(0, 10_000);
  const original = nearlyExpired.token;
  const report = await startLoad({
    label: "refresh",
    apiUrl: url,
    webUrl: url,
    users: [nearlyExpired],
    maxDurationMs: 1_000,
    paceMs: 20,
    writeEvery: 2,
    timeoutMs: 300,
  }).done;
  expect(report.tokenRefreshes).toBe(1);
  // Refreshed before its first request, then reused: one new token, at most one fetch per second.
  expect([...seen]).toEqual([`Bearer ${nearlyExpired.token}`]);
  expect(nearlyExpired.token).not.toBe(original);
  expect(report.failures.timeout).toBeGreaterThan(0);
  expect(report.unansweredWrites).toBe(report.failures.timeout);
  expect(report.acknowledged).toEqual([]);
});
