import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { backendUnavailable, chooseBackends, startBackend } from "./backends.ts";
import { buildApiIfStale } from "./build.ts";
import { FASTAPI_DIR } from "./paths.ts";
import type { Backend } from "./services.ts";

const both = (): null => null;
const noPython = (backend: Backend) => (backend === "fastapi" ? "no python here" : null);

describe("chooseBackends", () => {
  it("takes exactly the backends CONTRACT_BACKENDS names", () => {
    expect(chooseBackends({ CONTRACT_BACKENDS: "ts" }, noPython)).toEqual({ backends: ["ts"], skipped: [] });
    expect(chooseBackends({ CONTRACT_BACKENDS: " fastapi , ts,ts" }, both)).toEqual({
      backends: ["fastapi", "ts"],
      skipped: [],
    });
  });

  it("fails, naming the reason, when a named backend cannot run or is unknown", () => {
    expect(() => chooseBackends({ CONTRACT_BACKENDS: "ts,fastapi" }, noPython)).toThrow(
      /fastapi: no python here/,
    );
    expect(() => chooseBackends({ CONTRACT_BACKENDS: "ts,django" }, both)).toThrow(/unknown backend django/);
  });

  it("requires every backend in CI, and leaves out only what cannot run elsewhere", () => {
    expect(() => chooseBackends({ CI: "true" }, noPython)).toThrow(/must run against ts, fastapi/);
    expect(chooseBackends({ CI: "true" }, both).backends).toEqual(["ts", "fastapi"]);
    expect(chooseBackends({ CI: "false" }, noPython)).toEqual({
      backends: ["ts"],
      skipped: [{ backend: "fastapi", reason: "no python here" }],
    });
    expect(chooseBackends({}, both)).toEqual({ backends: ["ts", "fastapi"], skipped: [] });
  });

  it("knows the TypeScript backend can always run, and why FastAPI cannot when it cannot", () => {
    expect(backendUnavailable("ts")).toBeNull();
    if (!existsSync(FASTAPI_DIR)) expect(backendUnavailable("fastapi")).toMatch(/not in this checkout/);
  });
});

describe("startBackend (ts)", () => {
  beforeAll(async () => {
    await buildApiIfStale({ ...process.env });
  }, 120_000);

  it("serves on a free port of 127.0.0.1, collects its log lines and stops", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const api = await startBackend("ts", {
        databaseUrl: database.url,
        issuer: {
          publicUrl: "http://127.0.0.1:9",
          jwksUrl: "http://127.0.0.1:9/jwks",
          audience: "tandem-api",
          origins: ["http://localhost:3000"],
        },
        env: { API_QUOTA_REQUESTS: "0" },
      });
      try {
        expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${api.url}/ready`)).status).toBe(200);
        // A passing probe is logged at debug level only: a refused request is logged at info.
        const refused = await fetch(`${api.url}/api/tasks`);
        expect(refused.status).toBe(401);
        const id = refused.headers.get("x-request-id") ?? "";
        for (let i = 0; i < 100 && !api.logs.some((line) => line.includes(id)); i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(api.logs.some((line) => line.includes(id))).toBe(true);
      } finally {
        await api.stop();
      }
      expect(api.service.hasExited()).toBe(true);
      await expect(fetch(`${api.url}/health`)).rejects.toThrow();
    } finally {
      await database.cleanup();
    }
  });

  it("fails with the backend's own last words when it cannot start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-backends-"));
    try {
      const start = startBackend("ts", {
        databaseUrl: `file:${join(dir, "unmigrated.db")}`,
        issuer: {
          publicUrl: "http://127.0.0.1:9",
          jwksUrl: "http://127.0.0.1:9/jwks",
          audience: "tandem-api",
          origins: ["http://localhost:3000"],
        },
      });
      await expect(start).rejects.toThrow(/ts did not start[\s\S]*npm run db:migrate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
