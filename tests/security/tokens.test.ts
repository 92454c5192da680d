// Requirements groups 1 and 2: token transport, and signature/algorithm/key source — against the
// running API, with real tokens from the running web app, forgeries, and a rogue JWKS server.
import {
  base64url,
  createAttackerKeys,
  decodeToken,
  importHmacKey,
  signToken,
  tamperToken,
  unsignedToken,
} from "@tandem/testing";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectInvalidToken, expectUnauthenticated } from "./lib/expect.ts";
import { type RogueServer, startRogueServer } from "./lib/rogue.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";

const now = () => Math.floor(Date.now() / 1000);

describe.each(targets())("tokens ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let bob: Account;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
    bob = await s().signUp({ name: "Bob" });
  });
  const me = (token: string) => s().api("/api/me", { token });
  /** The token was accepted as `account` (and no one else). */
  async function expectAcceptedAs(token: string, account: Account) {
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ id: account.id, name: account.name });
  }

  describe("1. token transport", () => {
    attack(
      "no Authorization header",
      '401 UNAUTHENTICATED + WWW-Authenticate: Bearer realm="tandem"',
      async () => {
        expectUnauthenticated(await s().api("/api/me"));
        expectUnauthenticated(await s().api("/api/tasks", { json: { title: "x" } }));
      },
    );

    attack("empty or blank Authorization header", "401 UNAUTHENTICATED with a Bearer challenge", async () => {
      for (const value of ["", "   "]) {
        expectUnauthenticated(await s().api("/api/me", { headers: { authorization: value } }));
      }
    });

    attack(
      "another scheme or a Bearer without a token",
      "401 UNAUTHENTICATED with a Bearer challenge",
      async () => {
        for (const value of [
          `Basic ${btoa(`${alice.email}:${alice.password}`)}`,
          `Token ${alice.token}`,
          `JWT ${alice.token}`,
          "Bearer",
          "Bearer ",
          `Bearer: ${alice.token}`,
          `Bearer${alice.token}`,
          `Bearer ${alice.token} ${alice.token}`,
        ]) {
          expectUnauthenticated(await s().api("/api/me", { headers: { authorization: value } }));
        }
      },
    );

    attack("a malformed bearer token", "401 invalid_token, never 500", async () => {
      for (const token of [
        "not.a.jwt!",
        "abc",
        "a.b",
        "a.b.c.d",
        `${alice.token}.extra`,
        alice.token.replace(".", ".."),
        "%00.%00.%00",
        "eyJ.eyJ.sig",
        `${"A".repeat(100)}.${"B".repeat(100)}.${"C".repeat(100)}`,
      ]) {
        expectInvalidToken(await me(token));
      }
    });

    attack("an oversized token (5 KB)", "401 invalid_token", async () => {
      const [header, , signature] = alice.token.split(".");
      expectInvalidToken(await me(`${header}.${"A".repeat(5000)}.${signature}`));
    });

    attack("an oversized Authorization header (40 KB)", "a 4xx refusal (431), never 500", async () => {
      const response = await me("A".repeat(40_000));
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      // The API still serves the next request.
      await expectAcceptedAs(alice.token, alice);
    });

    attack(
      "a valid token in the query string, a cookie or the body",
      "401 UNAUTHENTICATED: only the Authorization header is read",
      async () => {
        const t = alice.token;
        expectUnauthenticated(await s().api(`/api/me?access_token=${t}`));
        expectUnauthenticated(await s().api(`/api/tasks?token=${t}`));
        expectUnauthenticated(
          await s().api("/api/me", { headers: { cookie: `token=${t}; access_token=${t}` } }),
        );
        expectUnauthenticated(await s().api("/api/me", { headers: { cookie: alice.cookie } }));
        expectUnauthenticated(await s().api("/api/tasks", { json: { title: "x", access_token: t } }));
        expectUnauthenticated(
          await s().api("/api/tasks", {
            body: `access_token=${t}`,
            headers: { "content-type": "application/x-www-form-urlencoded" },
          }),
        );
      },
    );

    attack(
      "control: the same token in the Authorization header, any scheme case",
      "200 as its owner",
      async () => {
        for (const scheme of ["Bearer", "bearer", "BEARER"]) {
          const response = await s().api("/api/me", {
            headers: { authorization: `${scheme} ${alice.token}` },
          });
          expect(response.status).toBe(200);
          expect(response.json()).toMatchObject({ id: alice.id, name: "Alice" });
        }
      },
    );
  });

  describe("2. signature, algorithm and key source", () => {
    let rogue: RogueServer;
    let attacker: Awaited<ReturnType<typeof createAttackerKeys>>;
    let kid: string;
    beforeAll(async () => {
      attacker = await createAttackerKeys();
      rogue = await startRogueServer(attacker.jwks);
      kid = String(decodeToken(alice.token).header.kid);
    });
    afterAll(() => rogue.close());
    const victimClaims = () => s().claimsFor(bob);

    attack("a real token with its payload changed (sub → another user)", "401 invalid_token", async () => {
      expectInvalidToken(await me(tamperToken(alice.token, { payload: { sub: bob.id } })));
      expectInvalidToken(await me(tamperToken(alice.token, { payload: { exp: now() + 86_400 } })));
      expectInvalidToken(await me(tamperToken(alice.token, { payload: { name: "Admin" } })));
    });

    attack("a real token with its signature altered, truncated or removed", "401 invalid_token", async () => {
      const [header, payload, signature = ""] = alice.token.split(".");
      const flipped = `${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
      for (const sig of [flipped, signature.slice(0, 40), "", base64url.encode(new Uint8Array(64))]) {
        expectInvalidToken(await me(`${header}.${payload}.${sig}`));
      }
    });

    attack("alg=none (any spelling), unsigned", "401 invalid_token", async () => {
      for (const alg of ["none", "None", "NONE", "nOnE"]) {
        expectInvalidToken(await me(unsignedToken({ header: { alg, kid }, payload: victimClaims() })));
        expectInvalidToken(
          await me(unsignedToken({ header: { alg, kid, typ: "JWT" }, payload: victimClaims() })),
        );
      }
    });

    attack(
      "HS256/384/512 keyed with the server's public key (key confusion)",
      "401 invalid_token",
      async () => {
        const { keys } = (await s().web("/api/auth/jwks")).json<{ keys: { kid: string; x: string }[] }>();
        const x = keys.find((key) => key.kid === kid)?.x ?? "";
        for (const secret of [base64url.decode(x), x, JSON.stringify(keys[0])]) {
          const hmac = await importHmacKey(secret);
          for (const alg of ["HS256", "HS384", "HS512"]) {
            expectInvalidToken(
              await me(await signToken(hmac, { header: { alg, kid }, payload: victimClaims() })),
            );
          }
        }
      },
    );

    attack("the attacker's own Ed25519 key under the real kid or its own", "401 invalid_token", async () => {
      for (const headerKid of [kid, attacker.kid]) {
        const token = await signToken(attacker.privateKey, {
          header: { alg: "EdDSA", kid: headerKid },
          payload: victimClaims(),
        });
        expectInvalidToken(await me(token));
      }
    });

    attack("the attacker's key embedded in the header (jwk, x5c)", "401 invalid_token", async () => {
      for (const extra of [
        { jwk: attacker.publicJwk },
        { jwk: attacker.publicJwk, kid: attacker.kid },
        { x5c: [base64url.encode(new Uint8Array(64))] },
      ]) {
        const token = await signToken(attacker.privateKey, {
          header: { alg: "EdDSA", kid, ...extra },
          payload: victimClaims(),
        });
        expectInvalidToken(await me(token));
      }
    });

    attack(
      "jku / x5u pointing at a rogue JWKS that holds the attacker's key",
      "401 invalid_token, and the rogue server receives 0 requests",
      async () => {
        for (const field of ["jku", "x5u"]) {
          for (const headerKid of [attacker.kid, kid]) {
            const token = await signToken(attacker.privateKey, {
              header: { alg: "EdDSA", kid: headerKid, [field]: rogue.url },
              payload: victimClaims(),
            });
            expectInvalidToken(await me(token));
          }
        }
        expect(rogue.requests).toBe(0);
      },
    );

    attack(
      "a real-key token whose header points at the rogue JWKS (jku)",
      "accepted as its owner; still 0 requests to the rogue",
      async () => {
        await expectAcceptedAs(
          await s().mint(s().claimsFor(alice), { jku: rogue.url, x5u: rogue.url }),
          alice,
        );
        expect(rogue.requests).toBe(0);
      },
    );

    attack(
      "RS256 / ES256 / PS256 / EdDSA-lookalike algs with the real kid",
      "401 invalid_token",
      async () => {
        for (const alg of ["RS256", "ES256", "PS256", "Ed25519", "eddsa", "ES256K"]) {
          const token = await signToken(attacker.privateKey, {
            header: { alg, kid },
            payload: victimClaims(),
          });
          expectInvalidToken(await me(token));
        }
      },
    );

    attack("an unknown critical header, signed with the REAL key", "401 invalid_token", async () => {
      expectInvalidToken(
        await me(await s().mint(s().claimsFor(alice), { crit: ["tandem-admin"], "tandem-admin": true })),
      );
      expectInvalidToken(await me(await s().mint(s().claimsFor(alice), { crit: ["exp"] })));
    });

    attack(
      "hostile kid values (traversal, SQL, URL, __proto__, 2 KB, NUL, non-string)",
      "401 invalid_token; the API keeps serving",
      async () => {
        for (const hostile of [
          "../../etc/passwd",
          "' OR '1'='1",
          "http://127.0.0.1:1/jwks",
          "__proto__",
          "constructor",
          "k".repeat(2048),
          "\u0000",
          "",
          1,
          null,
          ["x"],
          { kid },
        ]) {
          const token = await signToken(attacker.privateKey, {
            header: { alg: "EdDSA", kid: hostile },
            payload: victimClaims(),
          });
          expectInvalidToken(await me(token));
        }
        await expectAcceptedAs(alice.token, alice);
      },
    );
  });
});
