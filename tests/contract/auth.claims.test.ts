import { createAttackerKeys, decodeToken, signToken, type TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalidToken } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { mintReal, nowSeconds } from "./support/tokens.ts";

/** The API's clock tolerance in these tests; boundaries are probed well inside and well outside it. */
const SKEW = 30;
const WITHIN = SKEW - 20;
const BEYOND = SKEW + 60;
/** When the minted tokens say Alice signed in (a minute before the file runs). */
const SIGNED_IN = nowSeconds() - 60;

// Claims (requirements group 3): tokens signed by the REAL Better Auth key (its server-only signJWT
// endpoint) with chosen claims, so only the claim checks stand between them and a 200.
describe.each(targets())("token claims ($label)", (target) => {
  // The maximum token age is left at its default (24 h), which a test below relies on.
  const h = useApi(target, { env: { AUTH_CLOCK_SKEW_SECONDS: String(SKEW) } });
  let alice: TestUser;
  let bob: TestUser;
  // Signed up once for the file: the tests mint tokens for them and only ever read.
  beforeAll(async () => {
    alice = await h.signUp("Alice");
    bob = await h.signUp("Bob");
  });

  /**
   * What Better Auth puts in Alice's tokens: sub, sid, name, amr, auth_time, iat (iss, aud, exp are
   * added by signJWT).
   */
  const aliceClaims = (extra: Record<string, unknown> = {}) => ({
    sub: alice.id,
    sid: alice.sessionId,
    name: "Alice",
    amr: ["pwd"],
    auth_time: SIGNED_IN,
    iat: nowSeconds(),
    ...extra,
  });
  const me = (token: string) => h.request("GET", "/api/me", { token });
  const expectAlice = async (response: Response) => {
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({
      id: alice.id,
      name: "Alice",
      via: "session",
      scope: null,
      amr: ["pwd"],
      authTime: new Date(SIGNED_IN * 1000).toISOString(),
    });
  };

  it("a real token's claims are exactly sub, sid, name, amr, auth_time and the registered ones", () => {
    const { payload } = decodeToken(alice.token);
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
    expect(payload).toMatchObject({ sub: alice.id, sid: alice.sessionId, name: "Alice", amr: ["pwd"] });
  });

  it("control: a signJWT token with Tandem's issuer and audience → 200 as its sub", async () => {
    await expectAlice(await me(await mintReal(h, aliceClaims())));
  });

  it("a foreign issuer → 401 invalid_token", async () => {
    const token = await mintReal(h, aliceClaims(), {
      issuer: "https://evil.example",
      audience: h.auth.audience,
    });
    await expectInvalidToken(await me(token));
  });

  it("look-alike issuers (trailing slash, other port, https, localhost, case, path, empty) → 401", async () => {
    const url = new URL(h.auth.issuer);
    const otherPort = String(Number(url.port) === 65535 ? 1 : Number(url.port) + 1);
    const lookAlikes = [
      `${h.auth.issuer}/`,
      `${url.protocol}//${url.hostname}:${otherPort}`,
      `https://${url.host}`,
      `http://localhost:${url.port}`,
      h.auth.issuer.toUpperCase(),
      `${h.auth.issuer}/api/auth`,
      `${h.auth.issuer} `,
      "",
    ];
    for (const issuer of lookAlikes) {
      expect(issuer).not.toBe(h.auth.issuer);
      const token = await mintReal(h, aliceClaims(), { issuer, audience: h.auth.audience });
      expect(decodeToken(token).payload.iss).toBe(issuer);
      await expectInvalidToken(await me(token));
    }
  });

  it("a foreign or look-alike audience → 401 invalid_token", async () => {
    for (const audience of [
      "other-api",
      `${h.auth.audience} `,
      h.auth.audience.toUpperCase(),
      `${h.auth.audience}-admin`,
      "",
    ]) {
      const token = await mintReal(h, aliceClaims(), { issuer: h.auth.issuer, audience });
      expect(decodeToken(token).payload.aud).toBe(audience);
      await expectInvalidToken(await me(token));
    }
  });

  it("an audience array that does not contain ours → 401 invalid_token", async () => {
    const token = await mintReal(h, aliceClaims(), {
      issuer: h.auth.issuer,
      audience: ["other-api", h.auth.issuer, `${h.auth.audience}-admin`],
    });
    await expectInvalidToken(await me(token));
  });

  it("a missing sub → 401 invalid_token", async () => {
    const { sub: _sub, ...claims } = aliceClaims();
    const token = await mintReal(h, claims);
    expect(decodeToken(token).payload).not.toHaveProperty("sub");
    await expectInvalidToken(await me(token));
  });

  it("an empty or oversized (300 chars) sub → 401 invalid_token", async () => {
    await expectInvalidToken(await me(await mintReal(h, aliceClaims({ sub: "" }))));
    await expectInvalidToken(await me(await mintReal(h, aliceClaims({ sub: "u".repeat(300) }))));
  });

  it("a missing iat (real key, exp in the future) → 401 invalid_token", async () => {
    const { iat: _iat, ...claims } = aliceClaims();
    const token = await mintReal(h, claims);
    expect(decodeToken(token).payload).not.toHaveProperty("iat");
    expect(decodeToken(token).payload.exp).toBeGreaterThan(nowSeconds());
    await expectInvalidToken(await me(token));
  });

  it("a missing exp (Better Auth always sets one, so an attacker-signed token) → 401 invalid_token", async () => {
    // The real key cannot produce this token; the verifier-level test proves the exp check itself.
    const attacker = await createAttackerKeys();
    const claims = { ...aliceClaims(), iss: h.auth.issuer, aud: h.auth.audience };
    const token = await signToken(attacker.privateKey, {
      header: { alg: "EdDSA", kid: attacker.kid },
      payload: claims,
    });
    await expectInvalidToken(await me(token));
  });

  it(`expired ${WITHIN}s ago, within the ${SKEW}s skew → 200`, async () => {
    const now = nowSeconds();
    await expectAlice(await me(await mintReal(h, aliceClaims({ iat: now - 300, exp: now - WITHIN }))));
  });

  it(`expired ${BEYOND}s ago, beyond the ${SKEW}s skew → 401 invalid_token`, async () => {
    const now = nowSeconds();
    await expectInvalidToken(await me(await mintReal(h, aliceClaims({ iat: now - 300, exp: now - BEYOND }))));
  });

  it(`nbf ${WITHIN}s in the future, within the skew → 200`, async () => {
    await expectAlice(await me(await mintReal(h, aliceClaims({ nbf: nowSeconds() + WITHIN }))));
  });

  it(`nbf ${BEYOND}s in the future, beyond the skew → 401 invalid_token`, async () => {
    await expectInvalidToken(await me(await mintReal(h, aliceClaims({ nbf: nowSeconds() + BEYOND }))));
  });

  it(`iat ${WITHIN}s in the future, within the skew → 200`, async () => {
    await expectAlice(await me(await mintReal(h, aliceClaims({ iat: nowSeconds() + WITHIN }))));
  });

  it(`iat ${BEYOND}s in the future, beyond the skew → 401 invalid_token`, async () => {
    await expectInvalidToken(await me(await mintReal(h, aliceClaims({ iat: nowSeconds() + BEYOND }))));
  });

  it("iat older than the 24 h maximum token age, though exp is still ahead → 401 invalid_token", async () => {
    const now = nowSeconds();
    await expectInvalidToken(
      await me(await mintReal(h, aliceClaims({ iat: now - 25 * 3600, exp: now + 600 }))),
    );
  });

  it("extra claims (admin, role, userId, id, user, email of Bob) are ignored: identity = sub", async () => {
    const token = await mintReal(
      h,
      aliceClaims({
        admin: true,
        role: "admin",
        roles: ["admin"],
        scope: "admin tasks:all",
        userId: bob.id,
        user_id: bob.id,
        id: bob.id,
        uid: bob.id,
        user: { id: bob.id },
        email: bob.email,
      }),
    );
    await expectAlice(await me(token));
    // Bob's data stays Bob's: the task list is the sub's, not the `userId` claim's.
    const created = await h.request("POST", "/api/tasks", {
      token: bob.token,
      body: { title: "Bob's secret" },
    });
    expect(created.status).toBe(201);
    const list = await h.request("GET", "/api/tasks", { token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain("Bob's secret");
  });
});
