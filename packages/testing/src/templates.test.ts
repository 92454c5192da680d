import { afterEach, describe, expect, it, vi } from "vitest";
import { testDialects } from "./templates.ts";

describe("testDialects", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is SQLite alone without TEST_DATABASE_URL, and both dialects with it", () => {
    vi.stubEnv("TEST_DIALECTS", "");
    vi.stubEnv("TEST_DATABASE_URL", "");
    expect(testDialects()).toEqual(["sqlite"]);
    vi.stubEnv("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres");
    expect(testDialects()).toEqual(["sqlite", "postgres"]);
  });

  it("keeps to the dialects TEST_DIALECTS names", () => {
    vi.stubEnv("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres");
    vi.stubEnv("TEST_DIALECTS", "postgres");
    expect(testDialects()).toEqual(["postgres"]);
    vi.stubEnv("TEST_DIALECTS", " sqlite ");
    expect(testDialects()).toEqual(["sqlite"]);
    vi.stubEnv("TEST_DIALECTS", "postgres,sqlite");
    expect(testDialects()).toEqual(["sqlite", "postgres"]);
  });

  it("refuses an unknown dialect, and PostgreSQL without TEST_DATABASE_URL, rather than run nothing", () => {
    vi.stubEnv("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres");
    vi.stubEnv("TEST_DIALECTS", "mysql");
    expect(() => testDialects()).toThrow('TEST_DIALECTS: "mysql" is not a dialect (sqlite, postgres)');
    vi.stubEnv("TEST_DATABASE_URL", "");
    vi.stubEnv("TEST_DIALECTS", "postgres");
    expect(() => testDialects()).toThrow("TEST_DIALECTS names postgres, but TEST_DATABASE_URL is not set");
  });
});
