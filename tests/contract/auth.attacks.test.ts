import { createPublicKey } from "node:crypto";
import {
  type AttackerKeys,
  base64url,
  createAttackerKeys,
  decodeToken,
  importHmacKey,
  signToken,
  type JwksServer,
  startJwksServer,
  tamperToken,
  type TestUser,
  unsignedToken,
} from "@tandem/testing";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectInvalidToken } from "./support/problems.ts";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { nowSeconds, realKey } from "./support/tokens.ts";

// Signature, algorithm and key source (requirements group 2): crafted tokens over HTTP, against a
// backend that trusts only the real Better Auth JWKS.
describe.each(targets())("crafted tokens ($label)", (target) => {
  const h = useApi(target);
  let alice: TestUser;
  let bob: TestUser;
  let attacker: AttackerKeys;
  let kid: string;
  let x: string;
  // The users only read and are only impersonated: signing them up once keeps the file fast.
  beforeAll(async () => {
    alice = await h.signUp("Alice");
    bob = await h.signUp("Bob");
    attacker = await createAttackerKeys();
    ({ kid, x } = await realKey(h));
  });

  /** Claims that would make Bob the caller if the signature were accepted. */
  const victimClaims = () => {
    const now = nowSeconds();
    return {
      sub: bob.id,
      sid: bob.sessionId,
      name: "Bob",
      iss: h.auth.issuer,
      aud: h.auth.audience,
      iat: now,
      exp: now + 300,
    };
  };
  const me = (token: string) => h.request("GET", "/api/me", { token });

  it("control: Alice's untouched token is accepted (so every refusal below is the defence at work)", async () => {
    expect((await me(alice.token)).status).toBe(200);
    expect(decodeToken(alice.token).header).toEqual({ alg: "EdDSA", kid });
  });

  it("a tampered signature (one character changed) → 401 invalid_token", async () => {
    const { signature } = decodeToken(alice.token);
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    await expectInvalidToken(await me(tamperToken(alice.token, { signature: flipped })));
    await expectInvalidToken(
      await me(tamperToken(alice.token, { signature: base64url.encode(new Uint8Array(64)) })),
    );
  });

  it("a tampered payload (sub changed to Bob) with Alice's original signature → 401 invalid_token", async () => {
    await expectInvalidToken(await me(tamperToken(alice.token, { payload: { sub: bob.id, name: "Bob" } })));
  });

  it("a tampered header (kid changed) with the original signature → 401 invalid_token", async () => {
    await expectInvalidToken(await me(tamperToken(alice.token, { header: { kid: `${kid}x` } })));
  });

  it.each([["none"], ["None"], ["NONE"], ["nOnE"]])(
    "`alg: %s` (unsigned) → 401 invalid_token",
    async (alg) => {
      const unsigned = unsignedToken({ header: { alg, kid }, payload: victimClaims() });
      await expectInvalidToken(await me(unsigned));
      // Also with Alice's real signature appended: still not a signature over an EdDSA header.
      const withSignature = `${unsigned}${decodeToken(alice.token).signature}`;
      await expectInvalidToken(await me(withSignature));
    },
  );

  it("alg confusion: HS256 signed with the real public key (raw bytes, JWKS `x`, PEM, JWK JSON) → 401", async () => {
    const jwk = { kty: "OKP", crv: "Ed25519", x };
    const pem = createPublicKey({ key: jwk, format: "jwk" })
      .export({ type: "spki", format: "pem" })
      .toString();
    const secrets: (Uint8Array | string)[] = [base64url.decode(x), x, pem, JSON.stringify(jwk)];
    for (const secret of secrets) {
      const hmac = await importHmacKey(secret);
      for (const alg of ["HS256", "HS384", "HS512"]) {
        const token = await signToken(hmac, { header: { alg, kid }, payload: victimClaims() });
        await expectInvalidToken(await me(token));
      }
    }
  });

  it("a token claiming another algorithm (RS256, ES256, Ed25519) over an EdDSA signature → 401", async () => {
    for (const alg of ["RS256", "ES256", "PS256", "Ed25519", "eddsa", ""]) {
      const token = await signToken(attacker.privateKey, { header: { alg, kid }, payload: victimClaims() });
      await expectInvalidToken(await me(token));
    }
  });

  it("the attacker's own Ed25519 key under the REAL kid → 401 invalid_token", async () => {
    const token = await signToken(attacker.privateKey, {
      header: { alg: "EdDSA", kid },
      payload: victimClaims(),
    });
    await expectInvalidToken(await me(token));
  });

  it("the attacker's key embedded as a `jwk` header (with the real kid, the attacker kid, no kid) → 401", async () => {
    for (const headerKid of [kid, attacker.kid, undefined]) {
      const header = {
        alg: "EdDSA",
        jwk: attacker.publicJwk,
        ...(headerKid === undefined ? {} : { kid: headerKid }),
      };
      await expectInvalidToken(
        await me(await signToken(attacker.privateKey, { header, payload: victimClaims() })),
      );
    }
  });

  it("an `x5c` header carrying a certificate chain is not trusted → 401", async () => {
    const header = { alg: "EdDSA", kid, x5c: [base64url.encode(new Uint8Array(64))] };
    await expectInvalidToken(
      await me(await signToken(attacker.privateKey, { header, payload: victimClaims() })),
    );
  });

  describe("header-supplied key URLs", () => {
    let rogue: JwksServer;
    beforeEach(async () => {
      rogue = await startJwksServer({ kind: "json", body: attacker.jwks });
    });
    afterEach(() => rogue.close());

    it.each(["jku", "x5u"])(
      "`%s` pointing at a rogue JWKS → 401 and the rogue server receives ZERO requests",
      async (field) => {
        for (const headerKid of [attacker.kid, kid]) {
          const header = { alg: "EdDSA", kid: headerKid, [field]: rogue.url };
          const token = await signToken(attacker.privateKey, { header, payload: victimClaims() });
          await expectInvalidToken(await me(token));
        }
        // Even when the real signature is kept and only the header gains a key URL.
        await expectInvalidToken(await me(tamperToken(alice.token, { header: { [field]: rogue.url } })));
        expect(rogue.requests).toBe(0);
      },
    );
  });

  it("an unknown `crit` header parameter → 401 invalid_token", async () => {
    const header = { alg: "EdDSA", kid, crit: ["tandem-admin"], "tandem-admin": true };
    await expectInvalidToken(
      await me(await signToken(attacker.privateKey, { header, payload: victimClaims() })),
    );
    await expectInvalidToken(await me(tamperToken(alice.token, { header: { crit: ["exp"] } })));
  });

  it.each([
    ["a very long kid (2 KB)", "k".repeat(2048)],
    ["a path-traversal kid", "../../etc/passwd"],
    ["a URL kid", "http://127.0.0.1:1/jwks"],
    ["an SQL-injection kid", "' OR '1'='1"],
    ["a `__proto__` kid", "__proto__"],
    ["a `constructor` kid", "constructor"],
    ["an empty kid", ""],
    ["a NUL kid", "\u0000"],
  ])("%s → 401 invalid_token", async (_label, hostileKid) => {
    const token = await signToken(attacker.privateKey, {
      header: { alg: "EdDSA", kid: hostileKid },
      payload: victimClaims(),
    });
    await expectInvalidToken(await me(token));
  });

  it.each([
    ["a numeric kid", 1],
    ["an object kid", { kid: "x" }],
    ["an array kid", ["x"]],
    ["a null kid", null],
    ["a boolean kid", true],
  ])("%s (not a string) → 401 invalid_token", async (_label, hostileKid) => {
    const token = await signToken(attacker.privateKey, {
      header: { alg: "EdDSA", kid: hostileKid },
      payload: victimClaims(),
    });
    await expectInvalidToken(await me(token));
  });

  it("a missing kid → 401 invalid_token, even for a token the real key signed", async () => {
    const token = await signToken(attacker.privateKey, { header: { alg: "EdDSA" }, payload: victimClaims() });
    await expectInvalidToken(await me(token));
    const { kid: _dropped, ...header } = decodeToken(alice.token).header;
    const [, payload, signature] = alice.token.split(".");
    await expectInvalidToken(await me(`${base64url.encode(JSON.stringify(header))}.${payload}.${signature}`));
  });

  it("a header or payload that is not a JSON object → 401 invalid_token", async () => {
    const [, payload, signature] = alice.token.split(".");
    for (const header of ['"EdDSA"', "[]", "null", "{", "\u00ff\u00fe"]) {
      await expectInvalidToken(await me(`${base64url.encode(header)}.${payload}.${signature}`));
    }
    const [header] = alice.token.split(".");
    for (const body of ['"x"', "[]", "null", "{"]) {
      await expectInvalidToken(await me(`${header}.${base64url.encode(body)}.${signature}`));
    }
  });
});
