import { seedAccessToken, testDialects } from "@tandem/testing";
import { Hono } from "hono";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { onError } from "../http/error-handler.ts";
import type { AppEnv } from "../types.ts";
import { createAccessTokenCheck } from "./access-token.ts";
import { type Identity, SESSION_CREDENTIAL } from "./identity.ts";
import { requireAuth } from "./middleware.ts";
import { createSessionCheck } from "./session-check.ts";
import { requireRecentSignIn, stepUpRefusal } from "./step-up.ts";
import { createVerifier } from "./verifier.ts";

// The step-up guard (decision 017): a route that needs a recent, and optionally two-factor,
// sign-in reads the token's auth_time and amr. First the rule on identities, then the guard
// behind the real authentication, with tokens from a real Better Auth.

const NOW = Date.parse("2030-01-01T12:00:00Z");
const nowSeconds = NOW / 1000;
const signedIn = (overrides: Partial<Identity>): Identity => ({
  userId: "u",
  sessionId: "s",
  name: "Ada",
  expiresAt: nowSeconds + 600,
  amr: ["pwd"],
  authTime: nowSeconds - 60,
  credential: SESSION_CREDENTIAL,
  ...overrides,
});

describe("stepUpRefusal", () => {
  const tenMinutes = { maxAgeSeconds: 600 };

  it("lets a sign-in up to maxAgeSeconds old through, and refuses one a second older", () => {
    expect(stepUpRefusal(signedIn({ authTime: nowSeconds - 600 }), tenMinutes, NOW)).toBeNull();
    expect(stepUpRefusal(signedIn({ authTime: nowSeconds - 601 }), tenMinutes, NOW)).toBe(
      "This needs a sign-in within the last 10 minutes: sign in again, then retry with a new token",
    );
  });

  it("refuses a token that does not say when the user signed in", () => {
    expect(stepUpRefusal(signedIn({ authTime: null }), tenMinutes, NOW)).toMatch(
      /within the last 10 minutes/,
    );
  });

  it("with requireMfa, needs `mfa` in amr: a password alone or a passkey alone is refused", () => {
    const strong = { maxAgeSeconds: 90, requireMfa: true };
    expect(stepUpRefusal(signedIn({ amr: ["pwd", "otp", "mfa"] }), strong, NOW)).toBeNull();
    for (const amr of [["pwd"], ["hwk"], ["fed"], []]) {
      expect(stepUpRefusal(signedIn({ amr }), strong, NOW)).toBe(
        "This needs a sign-in with two factors within the last 90 seconds: sign in again with your authentication code",
      );
    }
  });

  it("always refuses a personal access token, whatever it claims", () => {
    const pat = signedIn({ credential: { kind: "access_token", tokenId: "t", scope: "write" } });
    expect(stepUpRefusal(pat, tenMinutes, NOW)).toMatch(/personal access token cannot do this/);
  });
});

describe.each(testDialects())("requireRecentSignIn behind the real authentication (%s)", (dialect) => {
  let h!: ApiHarness;
  afterEach(async () => h.close());

  /** A route guarded like a sensitive one would be, on the harness's database and Better Auth. */
  function guardedApp(clock: () => number, requireMfa = false) {
    const verifier = createVerifier({
      jwks: { url: h.auth.jwksUrl, timeoutMs: 1000 },
      issuer: h.auth.issuer,
      audience: h.auth.audience,
      clockToleranceSeconds: 5,
    });
    const database = h.apiDatabase;
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set("logger", pino({ level: "silent" }));
      await next();
    });
    app.use(
      "/api/*",
      requireAuth(verifier, createSessionCheck({ database }), createAccessTokenCheck({ database })),
    );
    app.post("/api/sensitive", requireRecentSignIn({ maxAgeSeconds: 600, requireMfa, now: clock }), (c) =>
      c.json({ ok: true }),
    );
    app.onError(onError);
    return app;
  }
  const post = (app: Hono<AppEnv>, token: string) =>
    app.request("/api/sensitive", { method: "POST", headers: { authorization: `Bearer ${token}` } });

  it("a password sign-in: through within 10 minutes, 403 STEP_UP_REQUIRED after, with an RFC 9470 challenge", async () => {
    h = await createApiHarness(dialect);
    const ada = await h.signUp();
    let clock = Date.now();
    const app = guardedApp(() => clock);
    expect((await post(app, ada.token)).status).toBe(200);
    clock += 11 * 60_000;
    const refused = await post(app, ada.token);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("www-authenticate")).toMatch(
      /^Bearer realm="tandem", error="insufficient_user_authentication", error_description="[^"]+", max_age="600"$/,
    );
    expect(await refused.json()).toMatchObject({ status: 403, code: "STEP_UP_REQUIRED" });
  });

  it("requireMfa: a password-only sign-in is refused however recent", async () => {
    h = await createApiHarness(dialect);
    const ada = await h.signUp();
    const response = await post(guardedApp(Date.now, true), ada.token);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      code: "STEP_UP_REQUIRED",
      detail: expect.stringMatching(/two factors/),
    });
  });

  it("a personal access token, even read-write and brand new, is refused", async () => {
    h = await createApiHarness(dialect);
    const ada = await h.signUp();
    const { token } = await seedAccessToken(h.database, { userId: ada.id, scope: "write" });
    const response = await post(guardedApp(Date.now), token);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "STEP_UP_REQUIRED" });
  });
});
