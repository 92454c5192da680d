// Signing-key rotation (issue 4): Better Auth's jwt plugin with Tandem's rotation settings, and the
// retire/revoke operations behind `npm run auth:rotate-key`, against a real Better Auth instance.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestDatabase, decodeToken, type TestDatabase, testDialects } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AuthConfig, createAuth } from "./auth.ts";
import { DEFAULT_KEY_GRACE_SECONDS, listSigningKeys, retireSigningKeys } from "./keys.ts";

describe.each(testDialects())("signing-key rotation (%s)", (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.cleanup());

  const authWith = (keyRotation?: AuthConfig["keyRotation"]) =>
    createAuth({
      database,
      baseURL: "http://localhost:3000",
      secret: randomBytes(32).toString("base64url"),
      ...(keyRotation === undefined ? {} : { keyRotation }),
    });
  type Auth = ReturnType<typeof authWith>;

  async function kidOfNextToken(auth: Auth): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await auth.api.signJWT({ body: { payload: { sub: "user-1", iat: now } } });
    const kid = decodeToken(token).header.kid;
    if (typeof kid !== "string") throw new Error(`token without kid: ${token}`);
    return kid;
  }
  async function publishedKids(auth: Auth): Promise<string[]> {
    const { keys } = await auth.api.getJwks();
    return keys.map((key) => String(key.kid));
  }

  it("by default a new key signs for 30 days, then is published 2 days more", async () => {
    const auth = authWith();
    const before = Date.now();
    const kid = await kidOfNextToken(auth);
    const [key] = await listSigningKeys(database);
    expect(key?.kid).toBe(kid);
    expect(key?.state).toBe("signing");
    const expires = key?.expiresAt?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    expect(key?.publishedUntil?.getTime()).toBe(expires + DEFAULT_KEY_GRACE_SECONDS * 1000);
  });

  it("with intervalSeconds null a key never expires (as keys made before rotation existed)", async () => {
    const auth = authWith({ intervalSeconds: null });
    await kidOfNextToken(auth);
    const [key] = await listSigningKeys(database);
    expect(key?.expiresAt).toBeNull();
    expect(key?.publishedUntil).toBeNull();
  });

  it("an expired key is replaced on the next signing and stays published during the grace period", async () => {
    const auth = authWith({ intervalSeconds: 1, graceSeconds: 3600 });
    const first = await kidOfNextToken(auth);
    expect(await kidOfNextToken(auth)).toBe(first);
    await sleep(1100);
    const second = await kidOfNextToken(auth);
    expect(second).not.toBe(first);
    expect(await publishedKids(auth)).toEqual(expect.arrayContaining([first, second]));
    expect((await listSigningKeys(database)).map((k) => [k.kid, k.state])).toEqual([
      [first, "retired"],
      [second, "signing"],
    ]);
  });

  it("retiring (grace): the next token has a new kid; the old key stays in the JWKS", async () => {
    const auth = authWith();
    const old = await kidOfNextToken(auth);
    expect(await retireSigningKeys(database)).toEqual([old]);
    const fresh = await kidOfNextToken(auth);
    expect(fresh).not.toBe(old);
    expect((await publishedKids(auth)).sort()).toEqual([old, fresh].sort());
    // Nothing left to retire but the fresh key.
    expect(await retireSigningKeys(database)).toEqual([fresh]);
  });

  it("retiring (grace) also retires a key that predates rotation (no expiresAt)", async () => {
    const old = await kidOfNextToken(authWith({ intervalSeconds: null }));
    expect(await retireSigningKeys(database)).toEqual([old]);
    const auth = authWith();
    expect(await kidOfNextToken(auth)).not.toBe(old);
    expect(await publishedKids(auth)).toContain(old);
  });

  it("a retired key leaves the JWKS once its grace period is over", async () => {
    const auth = authWith({ graceSeconds: 60 });
    const old = await kidOfNextToken(auth);
    await retireSigningKeys(database, { now: new Date(Date.now() - 61_000) });
    const fresh = await kidOfNextToken(auth);
    expect(await publishedKids(auth)).toEqual([fresh]);
    const states = await listSigningKeys(database, { graceSeconds: 60 });
    expect(states.map((k) => [k.kid, k.state])).toEqual([
      [old, "withdrawn"],
      [fresh, "signing"],
    ]);
  });

  it("revoking (compromised key): it leaves the JWKS at once and the next token has a new kid", async () => {
    const auth = authWith();
    const old = await kidOfNextToken(auth);
    expect(await retireSigningKeys(database, { mode: "revoke" })).toEqual([old]);
    const fresh = await kidOfNextToken(auth);
    expect(fresh).not.toBe(old);
    expect(await publishedKids(auth)).toEqual([fresh]);
  });

  it("with nothing signing yet, retiring does nothing", async () => {
    expect(await retireSigningKeys(database)).toEqual([]);
    expect(await listSigningKeys(database)).toEqual([]);
  });
});
