import { compactVerify, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  base64url,
  createAttackerKeys,
  decodeToken,
  importHmacKey,
  signToken,
  tamperToken,
  unsignedToken,
} from "./index.ts";

const claims = { sub: "user-1", sid: "session-1", name: "Eve", iat: 1_700_000_000, exp: 4_100_000_000 };

describe("attacker tokens", () => {
  it("createAttackerKeys gives a fresh Ed25519 pair with a public JWK", async () => {
    const [a, b] = await Promise.all([createAttackerKeys(), createAttackerKeys()]);
    expect(a.publicJwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", kid: a.kid, use: "sig" });
    expect(a.publicJwk).not.toHaveProperty("d");
    expect(a.jwks.keys).toEqual([a.publicJwk]);
    expect(a.kid).not.toBe(b.kid);
    expect(a.publicJwk.x).not.toBe(b.publicJwk.x);
  });

  it("signToken produces tokens jose verifies with the attacker's key", async () => {
    const keys = await createAttackerKeys();
    const token = await signToken(keys.privateKey, {
      header: { alg: "EdDSA", kid: keys.kid },
      payload: claims,
    });
    const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, { algorithms: ["EdDSA"] });
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: keys.kid });
    expect(payload).toEqual(claims);
  });

  it("signToken keeps any header as given (jwk, jku, crit, odd alg)", async () => {
    const keys = await createAttackerKeys();
    const header = {
      alg: "EdDSA",
      kid: "someone-elses-kid",
      jwk: keys.publicJwk,
      jku: "http://127.0.0.1:1/jwks",
      crit: ["made-up"],
      "made-up": true,
    };
    const token = await signToken(keys.privateKey, { header, payload: claims });
    expect(decodeProtectedHeader(token)).toEqual(header);
    // The signature itself is genuine: only policy (kid, crit, jwk trust) can reject it.
    await expect(compactVerify(token, EmbeddedJWK, { crit: { "made-up": true } })).resolves.toBeDefined();

    const mislabeled = await signToken(keys.privateKey, { header: { alg: "RS256" }, payload: claims });
    expect(decodeToken(mislabeled).header).toEqual({ alg: "RS256" });
  });

  it("signToken signs HS256 with an HMAC key (alg confusion)", async () => {
    const keys = await createAttackerKeys();
    const secret = base64url.decode(String(keys.publicJwk.x));
    const token = await signToken(await importHmacKey(secret), { header: { alg: "HS256" }, payload: claims });
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
    expect(payload.sub).toBe("user-1");
  });

  it("unsignedToken makes alg:none tokens with an empty signature", () => {
    const token = unsignedToken({ header: { alg: "none" }, payload: claims });
    expect(token.endsWith(".")).toBe(true);
    expect(decodeToken(token)).toEqual({ header: { alg: "none" }, payload: claims, signature: "" });
  });

  it("tamperToken changes claims but keeps the now-invalid signature", async () => {
    const keys = await createAttackerKeys();
    const token = await signToken(keys.privateKey, { header: { alg: "EdDSA" }, payload: claims });
    const tampered = tamperToken(token, { payload: { sub: "user-2" } });
    expect(decodeToken(tampered).payload).toEqual({ ...claims, sub: "user-2" });
    expect(decodeToken(tampered).signature).toBe(decodeToken(token).signature);
    await expect(jwtVerify(tampered, keys.publicKey)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it("raw parts are passed through byte for byte", () => {
    const token = unsignedToken({ header: '{"alg":"none" }', payload: new Uint8Array([0xff, 0x00]) });
    const [header, payload] = token.split(".");
    expect(new TextDecoder().decode(base64url.decode(header ?? ""))).toBe('{"alg":"none" }');
    expect([...base64url.decode(payload ?? "")]).toEqual([0xff, 0x00]);
  });
});
