import { describe, expect, it } from "vitest";
import { LineBuffer, startService } from "./processes.ts";

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
