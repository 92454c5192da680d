import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIN_SECRET_LENGTH, resolveAuthSecret } from "./secret.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function devFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-secret-"));
  dirs.push(dir);
  return join(dir, "auth-secret");
}

describe("resolveAuthSecret", () => {
  it("takes a given secret of at least MIN_SECRET_LENGTH characters", () => {
    const given = "s".repeat(MIN_SECRET_LENGTH);
    expect(resolveAuthSecret({ given, production: true, devFile: devFile() })).toEqual({
      secret: given,
      generated: false,
    });
  });

  it("refuses a shorter one anywhere, and none in production", () => {
    const short = "s".repeat(MIN_SECRET_LENGTH - 1);
    expect(() => resolveAuthSecret({ given: short, production: false, devFile: devFile() })).toThrow(
      /BETTER_AUTH_SECRET must be at least 32 characters/,
    );
    expect(() => resolveAuthSecret({ given: "", production: true, devFile: devFile() })).toThrow(
      /BETTER_AUTH_SECRET is required when NODE_ENV=production/,
    );
  });

  it("outside production, generates one into the dev file once and keeps it", () => {
    const file = devFile();
    const first = resolveAuthSecret({ given: undefined, production: false, devFile: file });
    expect(first.generated).toBe(true);
    expect(first.secret.length).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
    expect(readFileSync(file, "utf8").trim()).toBe(first.secret);
    expect(resolveAuthSecret({ given: "", production: false, devFile: file }).secret).toBe(first.secret);
  });
});
