import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { fetchAllows, freePort, isPortFree, LineBuffer, startService, waitForHttp } from "./processes.ts";

// A child that ignores SIGTERM, so only SIGKILL can end it: kill() must not wait for a grace period.
const STUBBORN = "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);";

describe("startService", () => {
  it("kill() ends a process that ignores SIGTERM at once, with the SIGKILL code", async () => {
    const output = new LineBuffer();
    const service = startService({
      name: "stubborn",
      command: process.execPath,
      args: ["-e", STUBBORN],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
      stdout: output,
      stderr: output,
    });
    const deadline = Date.now() + 10_000;
    while (!output.lines.some((line) => line.endsWith("up")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = Date.now();
    expect(await service.kill()).toBe(137);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(service.hasExited()).toBe(true);
    // Idempotent, like stop().
    expect(await service.kill()).toBe(137);
  });
});

describe("freePort", () => {
  const rangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

  it.skipIf(!existsSync(rangeFile))(
    "picks free ports below the system's ephemeral range, where no outgoing connection takes them",
    async () => {
      const start = Number(readFileSync(rangeFile, "utf8").trim().split(/\s+/)[0]);
      const ports = await Promise.all(Array.from({ length: 10 }, () => freePort()));
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(10_000);
        expect(port).toBeLessThan(start);
        expect(await isPortFree(port)).toBe(true);
      }
    },
  );

  it("never hands out a port fetch refuses: 10080, in the range it draws from, not even when preferred", async () => {
    // Node's fetch refuses the port before connecting, so this needs nothing listening on it.
    const refusal = await fetch("http://127.0.0.1:10080/").then(
      () => undefined,
      (error: unknown) =>
        error instanceof Error && error.cause instanceof Error ? error.cause.message : error,
    );
    expect(refusal).toBe("bad port");
    expect(fetchAllows(10_080)).toBe(false);
    expect(fetchAllows(10_081)).toBe(true);
    expect(await freePort(10_080)).not.toBe(10_080);
  });

  it("returns the preferred port when it is free, another one when it is taken", async () => {
    const preferred = await freePort();
    expect(await freePort(preferred)).toBe(preferred);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: preferred }, resolve));
    try {
      const other = await freePort(preferred);
      expect(other).not.toBe(preferred);
      expect(await isPortFree(other)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("waitForHttp", () => {
  it("stops waiting when the service exits, and says with which code", async () => {
    const service = startService({
      name: "quitter",
      command: process.execPath,
      args: ["-e", "process.exit(3)"],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
      stdout: new LineBuffer(),
      stderr: new LineBuffer(),
    });
    const port = await freePort();
    await expect(
      waitForHttp(`http://127.0.0.1:${port}/health`, { service, timeoutMs: 20_000 }),
    ).rejects.toThrow(`quitter exited (code 3) before http://127.0.0.1:${port}/health answered`);
  });
});
