import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createSigningKey,
  type JwksServer,
  jwksOf,
  nowSeconds,
  type SigningKey,
  signWith,
  startJwksServer,
} from "../../test/auth-kit.ts";
import { createVerifier, InvalidTokenError, MAX_TOKEN_LENGTH, type Verifier } from "./verifier.ts";

const ISSUER = "https://auth.tandem.test";
const AUDIENCE = "tandem-api";
const SKEW = 30;

// The verifier alone, against a local JWKS publishing a key we hold: tokens here carry a VALID
// signature from a trusted key, so each refusal proves one claim or header check by itself.
describe("createVerifier with a trusted local key", () => {
  let jwks: JwksServer;
  let trusted: SigningKey;
  let verifier: Verifier;
  beforeEach(async () => {
    trusted = await createSigningKey();
    jwks = await startJwksServer({ kind: "json", body: jwksOf(trusted) });
    verifier = createVerifier({
      jwks: { url: jwks.url, timeoutMs: 1000 },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: SKEW,
    });
  });
  afterEach(() => jwks.close());

  const claims = (extra: Record<string, unknown> = {}) => {
    const now = nowSeconds();
    return {
      sub: "user-1",
      sid: "session-1",
      name: "Ada",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 600,
      ...extra,
    };
  };
  const without = (claim: string) =>
    Object.fromEntries(Object.entries(claims()).filter(([name]) => name !== claim));
  const refused = async (token: string) => {
    const error: unknown = await verifier.verify(token).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidTokenError);
    // The reason is shown to clients: it must never echo the token or a piece of it.
    expect(String((error as Error).message)).not.toContain(token.split(".")[2] ?? token);
  };

  it("control: a well-formed token → the identity from sub, sid, name, exp, amr and auth_time", async () => {
    const authTime = nowSeconds() - 60;
    const c = claims({ amr: ["pwd", "otp", "mfa"], auth_time: authTime });
    await expect(verifier.verify(await signWith(trusted, c))).resolves.toEqual({
      userId: "user-1",
      sessionId: "session-1",
      name: "Ada",
      expiresAt: c.exp,
      amr: ["pwd", "otp", "mfa"],
      authTime,
      credential: { kind: "session" },
    });
  });

  it("a token without amr or auth_time (minted before decision 017) → no method, no time", async () => {
    const identity = await verifier.verify(await signWith(trusted, claims()));
    expect(identity).toMatchObject({ amr: [], authTime: null, credential: { kind: "session" } });
  });

  it.each([
    ["amr as a string", { amr: "pwd" }],
    ["amr holding a number", { amr: ["pwd", 1] }],
    ["amr holding an empty value", { amr: [""] }],
    ["amr holding a value with a space", { amr: ["pwd mfa"] }],
    ["amr of 17 values", { amr: Array.from({ length: 17 }, () => "pwd") }],
    ["auth_time as a string", { auth_time: String(nowSeconds()) }],
    ["auth_time as a fraction", { auth_time: nowSeconds() + 0.5 }],
    ["auth_time before 1970", { auth_time: -1 }],
    ["auth_time after the year 9999", { auth_time: 253_402_300_800 }],
  ])("a validly signed token with %s → refused", async (_label, extra) => {
    await refused(await signWith(trusted, claims(extra)));
  });

  it.each(["exp", "iat", "sub", "iss", "aud"])(
    "a validly signed token without `%s` → refused",
    async (claim) => {
      await refused(await signWith(trusted, without(claim)));
    },
  );

  it.each([
    ["exp as a string", { exp: String(nowSeconds() + 600) }],
    ["exp as null", { exp: null }],
    ["iat as a string", { iat: String(nowSeconds()) }],
    ["nbf as a string", { nbf: String(nowSeconds()) }],
    ["sub as a number", { sub: 42 }],
    ["sub as an object", { sub: { id: "user-1" } }],
    ["sub empty", { sub: "" }],
    ["sub of 300 characters", { sub: "u".repeat(300) }],
    ["name as an object", { name: { first: "Ada" } }],
    ["sid empty", { sid: "" }],
    ["iss as an array holding ours", { iss: [ISSUER] }],
    ["aud as a number", { aud: 1 }],
  ])("a validly signed token with %s → refused", async (_label, extra) => {
    await refused(await signWith(trusted, claims(extra)));
  });

  it("a validly signed token with unknown `crit` parameters → refused", async () => {
    await refused(await signWith(trusted, claims(), { crit: ["tandem-admin"], "tandem-admin": true }));
    await refused(await signWith(trusted, claims(), { crit: ["b64"], b64: false }));
    await refused(await signWith(trusted, claims(), { crit: [] }));
  });

  it("a `typ` other than JWT (at+jwt, dpop+jwt, JWS, a number) → refused; JWT and application/jwt → accepted", async () => {
    for (const typ of ["at+jwt", "dpop+jwt", "JWS", "logout+jwt", "", 1]) {
      await refused(await signWith(trusted, claims(), { typ }));
    }
    for (const typ of ["JWT", "jwt", "application/jwt"]) {
      expect((await verifier.verify(await signWith(trusted, claims(), { typ }))).userId).toBe("user-1");
    }
  });

  it("a validly signed token whose alg is not exactly EdDSA (Ed25519, eddsa) → refused", async () => {
    await refused(await signWith(trusted, claims(), { alg: "Ed25519" }));
    await refused(await signWith(trusted, claims(), { alg: "eddsa" }));
  });

  it("an attacker key embedded as `jwk` under the trusted kid → refused", async () => {
    const attacker = await createSigningKey(trusted.kid);
    await refused(await signWith(attacker, claims(), { jwk: attacker.publicJwk }));
  });

  it("`jku`/`x5u` naming a rogue JWKS with the attacker's key → refused, and the rogue is never fetched", async () => {
    const attacker = await createSigningKey();
    const rogue = await startJwksServer({ kind: "json", body: jwksOf(attacker) });
    try {
      await refused(await signWith(attacker, claims(), { jku: rogue.url }));
      await refused(await signWith(attacker, claims(), { x5u: rogue.url }));
      expect(rogue.requests).toBe(0);
    } finally {
      await rogue.close();
    }
  });

  it("the identity is the sub, whatever userId/id/admin claims say", async () => {
    const token = await signWith(
      trusted,
      claims({ userId: "user-2", id: "user-2", admin: true, role: "admin" }),
    );
    const identity = await verifier.verify(token);
    expect(identity.userId).toBe("user-1");
    expect(Object.keys(identity).sort()).toEqual([
      "amr",
      "authTime",
      "credential",
      "expiresAt",
      "name",
      "sessionId",
      "userId",
    ]);
  });

  it(`expiry is checked against the ${SKEW}s skew: ${SKEW - 20}s past → accepted, ${SKEW + 60}s past → refused`, async () => {
    const now = nowSeconds();
    await expect(
      verifier.verify(await signWith(trusted, claims({ exp: now - (SKEW - 20) }))),
    ).resolves.toBeDefined();
    await refused(await signWith(trusted, claims({ exp: now - (SKEW + 60) })));
  });

  it("a token longer than MAX_TOKEN_LENGTH is refused before any key lookup", async () => {
    const token = await signWith(trusted, claims({ pad: "A".repeat(MAX_TOKEN_LENGTH) }));
    await refused(token);
    expect(jwks.requests).toBe(0);
  });

  it("a token that is not three base64url parts is refused before any key lookup", async () => {
    const token = await signWith(trusted, claims());
    for (const bad of [
      `${token}.`,
      `.${token}`,
      token.replace(".", ".."),
      `${token} `,
      `${token}=`,
      token.replace(/\./g, "/"),
    ]) {
      await refused(bad);
    }
    expect(jwks.requests).toBe(0);
  });

  it("a configured maxTokenAgeSeconds bounds how old iat may be", async () => {
    const strict = createVerifier({
      jwks: { url: jwks.url },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
      maxTokenAgeSeconds: 60,
    });
    const now = nowSeconds();
    await expect(strict.verify(await signWith(trusted, claims({ iat: now - 10 })))).resolves.toBeDefined();
    await expect(strict.verify(await signWith(trusted, claims({ iat: now - 600 })))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it("key rotation: a token under a newly published kid verifies after the refetch; the old kid still does", async () => {
    let clock = 1_000_000;
    const rotating = createVerifier({
      jwks: { url: jwks.url, cooldownMs: 30_000, now: () => clock },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: SKEW,
    });
    const oldToken = await signWith(trusted, claims());
    await expect(rotating.verify(oldToken)).resolves.toMatchObject({ userId: "user-1" });

    const next = await createSigningKey();
    const newToken = await signWith(next, claims({ sub: "user-2" }));
    jwks.behave({ kind: "json", body: jwksOf(trusted, next) });
    clock += 30_001;
    await expect(rotating.verify(newToken)).resolves.toMatchObject({ userId: "user-2" });
    await expect(rotating.verify(oldToken)).resolves.toMatchObject({ userId: "user-1" });
    expect(jwks.requests).toBe(2);
  });
});
