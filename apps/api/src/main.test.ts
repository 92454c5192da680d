import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@tandem/testing";
import { afterEach, describe, expect, it } from "vitest";

// The real entry point in a child process: configuration checks, start-up and SIGTERM.
const MAIN = join(import.meta.dirname, "main.ts");
const TSX = join(import.meta.dirname, "../../../node_modules/.bin/tsx");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(TSX, [MAIN], {
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
    });
    expect(await running.exited).toBe(1);
    const out = running.output();
    expect(out).toContain("invalid configuration");
    expect(out).toMatch(/PORT: PORT must be a port number/);
    expect(out).toMatch(/WEB_ORIGIN/);
    expect(out).toMatch(/AUTH_JWKS_URL/);
    expect(out).toMatch(/API_QUOTA_REQUESTS: .*whole number/);
    expect(out).toMatch(/API_QUOTA_WINDOW_SECONDS: .*more than 0/);
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
});
