import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthServer,
  createTestDatabase,
  startAuthServer,
  type TestDatabase,
  testDialects,
} from "./index.ts";

describe.each(testDialects())("startAuthServer (%s)", (dialect) => {
  let database: TestDatabase;
  let server: AuthServer;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    server = await startAuthServer({ database, tokenLifetimeSeconds: 120, audience: "tandem-test-api" });
  });
  afterAll(async () => {
    await server?.close();
    await database?.cleanup();
  });

  it("listens on a local port and publishes an Ed25519 JWKS", async () => {
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.issuer).toBe(server.baseURL);
    expect(server.audience).toBe("tandem-test-api");
    expect(server.jwksUrl).toBe(`${server.baseURL}/api/auth/jwks`);
    await server.signUp(); // the key pair is created on first use
    const response = await fetch(server.jwksUrl);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
  });

  it("signUp yields a minimal EdDSA token for the new session", async () => {
    const user = await server.signUp({ name: "Alice Example" });
    expect(user.email).toMatch(/^user-[0-9a-f]+@example\.test$/);
    expect(user.name).toBe("Alice Example");
    expect(user.cookie).toMatch(/^better-auth\.session_token=/);

    const header = decodeProtectedHeader(user.token);
    expect(header.alg).toBe("EdDSA");
    expect(header.kid).toEqual(expect.any(String));

    const payload = decodeJwt(user.token);
    expect(Object.keys(payload).sort()).toEqual([
      "amr",
      "aud",
      "auth_time",
      "exp",
      "iat",
      "iss",
      "name",
      "sid",
      "sub",
    ]);
    expect(payload).toMatchObject({ sub: user.id, sid: user.sessionId, name: "Alice Example" });
    expect(JSON.stringify(payload)).not.toContain(user.email);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);

    const { payload: verified } = await jwtVerify(user.token, createRemoteJWKSet(new URL(server.jwksUrl)), {
      issuer: server.issuer,
      audience: server.audience,
      algorithms: ["EdDSA"],
      requiredClaims: ["sub", "sid", "exp", "iat"],
    });
    expect(verified.sid).toBe(user.sessionId);

    const sessions = await database.db
      .selectFrom("session")
      .select(["id", "userId"])
      .where("id", "=", user.sessionId)
      .execute();
    expect(sessions).toEqual([{ id: user.sessionId, userId: user.id }]);
  });

  it("gives every user a distinct identity and session", async () => {
    const [a, b] = await Promise.all([server.signUp(), server.signUp()]);
    expect(a?.id).not.toBe(b?.id);
    expect(a?.email).not.toBe(b?.email);
    expect(a?.sessionId).not.toBe(b?.sessionId);
  });

  it("signIn opens a second session; signOut revokes only that one", async () => {
    const user = await server.signUp();
    const again = await server.signIn(user.email, user.password);
    expect(again.id).toBe(user.id);
    expect(again.sessionId).not.toBe(user.sessionId);
    expect(decodeJwt(await server.mintToken(again.cookie)).sid).toBe(again.sessionId);

    await server.signOut(again.cookie);
    await expect(server.mintToken(again.cookie)).rejects.toThrow(/GET \/api\/auth\/token failed: 401/);
    expect(decodeJwt(await server.mintToken(user.cookie)).sid).toBe(user.sessionId);
  });

  it("reports the status and body of a failing step", async () => {
    const user = await server.signUp();
    await expect(server.signUp({ email: user.email })).rejects.toThrow(
      /sign-up\/email failed: 422 .*already exists/i,
    );
    await expect(server.signIn(user.email, "wrong password")).rejects.toThrow(/sign-in\/email failed: 401/);
  });
});

describe("AuthServer.close", () => {
  it("stops listening even with a kept-alive connection", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const server = await startAuthServer({ database });
      await fetch(`${server.baseURL}/api/auth/ok`);
      await server.close();
      await expect(fetch(`${server.baseURL}/api/auth/ok`)).rejects.toThrow();
    } finally {
      await database.cleanup();
    }
  });
});
