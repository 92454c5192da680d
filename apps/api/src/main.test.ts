import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@tandem/stack";
import { createTestDatabase, startAuthServer, type TestDatabase } from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";

// The real entry point in a child process: configuration checks, start-up and SIGTERM.
const MAIN = join(import.meta.dirname, "main.ts");

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  // Node itself with tsx's loader, not the tsx command: the command runs the API as a grandchild,
  // which a SIGKILL of the child would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(url: string, run: Run): Promise<Response> {
  for (let i = 0; i < 200; i++) {
    try {
      return await fetch(url);
    } catch {
      if (run.child.exitCode !== null) throw new Error(`API exited early:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`API did not start:\n${run.output()}`);
}

describe("API process", () => {
  let database: TestDatabase | undefined;
  let running: Run | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
    running = undefined;
    await database?.cleanup();
    database = undefined;
  });

  it("refuses to start on invalid configuration, naming every bad variable", async () => {
    running = run({
      PORT: "eighty",
      WEB_ORIGIN: "http://localhost:3000/app",
      AUTH_JWKS_URL: "ftp://x",
      API_QUOTA_REQUESTS: "lots",
      API_QUOTA_WINDOW_SECONDS: "0",
      SHUTDOWN_DRAIN_SECONDS: "1.5",
      KEEP_ALIVE_TIMEOUT_SECONDS: "0",
    });
    expect(await running.exited).toBe(1);
    const out = running.output();
    expect(out).toContain("invalid configuration");
    expect(out).toMatch(/PORT: PORT must be a port number/);
    expect(out).toMatch(/WEB_ORIGIN/);
    expect(out).toMatch(/AUTH_JWKS_URL/);
    expect(out).toMatch(/API_QUOTA_REQUESTS: .*whole number/);
    expect(out).toMatch(/API_QUOTA_WINDOW_SECONDS: .*more than 0/);
    expect(out).toMatch(/SHUTDOWN_DRAIN_SECONDS: .*whole number of seconds/);
    expect(out).toMatch(/KEEP_ALIVE_TIMEOUT_SECONDS: .*between 1 and 600/);
    expect(out).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it("refuses to start on an unmigrated database and says which command to run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-empty-"));
    try {
      running = run({ DATABASE_URL: `file:${join(dir, "empty.db")}`, PORT: String(await freePort()) });
      expect(await running.exited).toBe(1);
      expect(running.output()).toContain("npm run db:migrate");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a shared quota store on SQLite (docs/decisions/018-shared-quota.md)", async () => {
    database = await createTestDatabase("sqlite");
    running = run({
      DATABASE_URL: database.url,
      PORT: String(await freePort()),
      API_QUOTA_STORE: "database",
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain("API_QUOTA_STORE=database needs DATABASE_URL=postgres://");
  });

  it("serves on a migrated database, then stops cleanly on SIGTERM", async () => {
    database = await createTestDatabase("sqlite");
    const port = await freePort();
    running = run({ DATABASE_URL: database.url, PORT: String(port), HOST: "127.0.0.1" });
    const health = await waitFor(`http://127.0.0.1:${port}/health`, running);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    const lines = running
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["stopped"]));
  });

  // Behind a balancer the instance's idle timeout must outlast the balancer's (deploy/haproxy.cfg);
  // here a short one shows the setting is what closes an idle connection (Node's own is 5 s).
  it("closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_SECONDS", async () => {
    database = await createTestDatabase("sqlite");
    const port = await freePort();
    running = run({
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      KEEP_ALIVE_TIMEOUT_SECONDS: "1",
    });
    await waitFor(`http://127.0.0.1:${port}/health`, running);
    const socket = connect(port, "127.0.0.1");
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
    socket.write("GET /health HTTP/1.1\r\nHost: api\r\n\r\n");
    const answered = await new Promise<number>((resolve) =>
      socket.once("data", () => resolve(performance.now())),
    );
    const outcome = await Promise.race([
      closed,
      new Promise<string>((r) => setTimeout(() => r("still open"), 3_500)),
    ]);
    socket.destroy();
    expect(outcome).not.toBe("still open");
    expect(Number(outcome) - answered).toBeGreaterThanOrEqual(900);
  });

  // Issue #17: a rolling restart behind a load balancer fails no request and loses no write.
  it("on SIGTERM fails /ready but serves for the drain, then finishes the write in flight and exits 0", async () => {
    database = await createTestDatabase("sqlite");
    const auth = await startAuthServer({ database });
    try {
      const user = await auth.signUp();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      running = run({
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        AUTH_JWKS_URL: auth.jwksUrl,
        AUTH_ISSUER: auth.issuer,
        AUTH_AUDIENCE: auth.audience,
        // Long enough that a busy machine cannot hold this test past the drain before its first
        // /ready: the drain's end closes the keep-alive connection fetch would reuse (a CI run
        // read ECONNRESET there with 1 s).
        SHUTDOWN_DRAIN_SECONDS: "3",
      });
      await waitFor(`${base}/health`, running);
      const authorization = `Bearer ${user.token}`;
      expect((await fetch(`${base}/api/tasks`, { headers: { authorization } })).status).toBe(200);

      running.child.kill("SIGTERM");
      let ready = await fetch(`${base}/ready`);
      while (ready.status === 200) ready = await fetch(`${base}/ready`);
      // A create whose body is still arriving when the drain ends (a slow client upload).
      const upload = slowPost(port, "/api/tasks", authorization, '{"title":"in ', 'flight"}');
      expect(ready.status).toBe(503);
      expect(ready.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await ready.json()).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        detail: expect.stringMatching(/shutting down/),
      });
      // Everything else is still served while the balancer takes the instance out.
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/api/tasks`, { headers: { authorization } })).status).toBe(200);

      await until(running, "finishing 1 in-flight request(s)");
      expect(running.output()).toContain("not ready, draining 3 s");
      expect(await connectError(port)).toBe("ECONNREFUSED"); // no longer accepting
      const created = await upload.finish();
      expect(created.status).toBe(201);
      expect(created.connection).toBe("close");
      expect(await running.exited).toBe(0);
      const rows = await database.db
        .selectFrom("task")
        .select("title")
        .where("user_id", "=", user.id)
        .execute();
      expect(rows).toEqual([{ title: "in flight" }]);
    } finally {
      await auth.close();
    }
  });
});

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

async function until(run: Run, text: string): Promise<void> {
  for (let i = 0; i < 200 && !run.output().includes(text); i++) await new Promise((r) => setTimeout(r, 25));
  if (!run.output().includes(text)) throw new Error(`no "${text}" in:\n${run.output()}`);
}

/** A chunked POST that sends `first` now and `rest` on `finish()`, on a connection of its own. */
function slowPost(port: number, path: string, authorization: string, first: string, rest: string) {
  const headers = { authorization, "content-type": "application/json" };
  const req = request({ host: "127.0.0.1", port, path, method: "POST", agent: false, headers });
  const answer = new Promise<{ status: number | undefined; connection: string | undefined }>(
    (resolve, reject) => {
      req.on("error", reject);
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, connection: res.headers.connection }));
      });
    },
  );
  req.write(first);
  return {
    finish: () => {
      req.end(rest);
      return answer;
    },
  };
}
