// Issue 17: the web app's sign-in metrics move with traffic.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuth } from "../auth.ts";
import type { AuthEvent } from "./auth-metrics.plugin.ts";

const BASE = "http://localhost:3000";

describe("auth metrics plugin", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterEach(() => database.cleanup());

  it("counts sign-ups, sign-ins, failures and lockouts", async () => {
    const events: AuthEvent[] = [];
    const auth = createAuth({
      database,
      baseURL: BASE,
      secret: randomBytes(32).toString("base64url"),
      rateLimit: false,
      lockout: { maxFailures: 2, windowSeconds: 60, lockSeconds: 60 },
      onAuthEvent: (event) => events.push(event),
    });
    const post = (path: string, body: unknown) =>
      auth.handler(
        new Request(`${BASE}/api/auth${path}`, {
          method: "POST",
          headers: { origin: BASE, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const email = "ada@example.test";
    expect((await post("/sign-up/email", { email, password: "correct-horse-9", name: "Ada" })).status).toBe(
      200,
    );
    expect((await post("/sign-in/email", { email, password: "correct-horse-9" })).status).toBe(200);
    for (let i = 0; i < 3; i += 1) await post("/sign-in/email", { email, password: "wrong-password-1" });
    expect(events.filter((e) => e === "sign_up")).toHaveLength(1);
    expect(events.filter((e) => e === "sign_in")).toHaveLength(1);
    expect(events.filter((e) => e === "sign_in_failure").length).toBeGreaterThanOrEqual(2);
    expect(events).toContain("lockout");
  });
});
