// Requirements group 3: claims. Tokens signed with the stack's REAL key (the test knows the secret
// and the database, as an insider would), so only the claims decide: exp/nbf/iat at the skew
// boundary, missing or mistyped claims, foreign or look-alike issuer and audience, extra claims.
import { decodeToken } from "@tandem/testing";
import { beforeAll, describe, expect } from "vitest";
import { attack } from "./lib/attack.ts";
import { expectInvalidToken, expectProblem } from "./lib/expect.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";

/** The API's default AUTH_CLOCK_SKEW_SECONDS; the stacks keep it. */
const SKEW = 5;
const now = () => Math.floor(Date.now() / 1000);

describe.each(targets())("3. claims ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let bob: Account;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
    bob = await s().signUp({ name: "Bob" });
  });
  const me = (token: string) => s().api("/api/me", { token });
  /** The token was accepted as `account` (and no one else), as a session's token. */
  async function expectAcceptedAs(token: string, account: Account) {
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      id: account.id,
      name: account.name,
      via: "session",
      scope: null,
    });
  }

  const mint = (overrides: Record<string, unknown>) => s().mint(s().claimsFor(alice, overrides));

  attack(
    "control: a token the test minted with the real key and the web app's claims",
    "200 as its owner",
    async () => {
      const token = await mint({});
      expect(decodeToken(token).header).toEqual(decodeToken(alice.token).header);
      await expectAcceptedAs(token, alice);
    },
  );

  attack(
    "read a real token's claims",
    "exactly sub, sid, name, amr, auth_time, iat, exp, iss, aud; /api/me answers amr and auth_time",
    async () => {
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
      const response = await me(alice.token);
      expect(response.json()).toMatchObject({
        amr: ["pwd"],
        authTime: new Date((payload.auth_time as number) * 1000).toISOString(),
      });
    },
  );

  attack(
    "a session's token that claims a scope, or to be an access token",
    "ignored: via session, scope null, full access",
    async () => {
      const token = await mint({ scope: "read", via: "access_token", amr: ["pwd", "otp", "mfa"] });
      await expectAcceptedAs(token, alice);
      const created = await s().api("/api/tasks", { token, json: { title: "written despite scope: read" } });
      expect(created.status).toBe(201);
    },
  );

  attack(
    `exp ${SKEW - 3} s ago (inside the ${SKEW} s skew) vs ${SKEW + 3} s ago`,
    "200, then 401 invalid_token",
    async () => {
      await expectAcceptedAs(await mint({ exp: now() - (SKEW - 3) }), alice);
      expectInvalidToken(await me(await mint({ exp: now() - (SKEW + 3) })));
      expectInvalidToken(await me(await mint({ exp: now() - 3600 })));
    },
  );

  attack(`nbf ${SKEW - 3} s ahead vs ${SKEW + 5} s ahead`, "200, then 401 invalid_token", async () => {
    await expectAcceptedAs(await mint({ nbf: now() + (SKEW - 3) }), alice);
    expectInvalidToken(await me(await mint({ nbf: now() + SKEW + 5 })));
  });

  attack(`iat ${SKEW - 3} s in the future vs ${SKEW + 5} s`, "200, then 401 invalid_token", async () => {
    await expectAcceptedAs(await mint({ iat: now() + (SKEW - 3) }), alice);
    expectInvalidToken(await me(await mint({ iat: now() + SKEW + 5 })));
  });

  attack("iat older than 24 h with an exp still in the future", "401 invalid_token", async () => {
    expectInvalidToken(await me(await mint({ iat: now() - 86_400 - 60, exp: now() + 600 })));
    await expectAcceptedAs(await mint({ iat: now() - 86_400 + 60, exp: now() + 600 }), alice);
  });

  attack("missing exp, iat, sub or sid", "401 invalid_token", async () => {
    for (const claim of ["exp", "iat", "sub", "sid"]) {
      expectInvalidToken(await me(await mint({ [claim]: undefined })));
    }
  });

  attack(
    "mistyped claims (exp/iat as strings, sub as a number, empty sub, aud as an object, amr not a list of words, auth_time not whole seconds)",
    "401 invalid_token",
    async () => {
      for (const overrides of [
        { exp: String(now() + 600) },
        { iat: String(now()) },
        { exp: now() + 600.5, iat: "yesterday" },
        { exp: null },
        { exp: true },
        { exp: { value: now() + 600 } },
        { exp: [now() + 600] },
        { nbf: String(now()) },
        { sub: 42 },
        { sub: "" },
        { sub: [alice.id] },
        { aud: { tandem: true } },
        { sid: 7 },
        { amr: "pwd" },
        { amr: ["pwd", 7] },
        { amr: null },
        { auth_time: String(now()) },
        { auth_time: now() + 0.5 },
      ]) {
        expectInvalidToken(await me(await mint(overrides)));
      }
    },
  );

  attack("a foreign or look-alike issuer", "401 invalid_token", async () => {
    const issuer = s().issuer;
    const { port, hostname } = new URL(issuer);
    for (const iss of [
      "https://evil.example",
      `${issuer}/`,
      issuer.toUpperCase(),
      issuer.replace("http://", "https://"),
      `http://${hostname}:${Number(port) + 1}`,
      `http://${hostname}.evil.example:${port}`,
      `http://127.0.0.1:${port}`,
      ` ${issuer}`,
      // Prefixes of the real issuer, and the real one as a prefix of something longer.
      issuer.slice(0, -1),
      new URL(issuer).origin.slice(0, -2),
      "http://",
      `${issuer}/api/auth`,
      `${issuer}.evil.example`,
      `${issuer}@evil.example`,
      undefined,
      [issuer],
    ]) {
      expectInvalidToken(await me(await mint({ iss })));
    }
  });

  attack("a foreign, look-alike or missing audience", "401 invalid_token", async () => {
    for (const aud of [
      "tandem-web",
      "TANDEM-API",
      "tandem-api ",
      "tandem-api-admin",
      ["other-api"],
      [],
      undefined,
    ]) {
      expectInvalidToken(await me(await mint({ aud })));
    }
  });

  attack(
    "a `typ` other than JWT (at+jwt, dpop+jwt, JWS, a number) with the real key",
    "401 invalid_token; JWT or none → 200",
    async () => {
      const claims = s().claimsFor(alice);
      for (const typ of ["at+jwt", "dpop+jwt", "JWS", "logout+jwt", "", 1]) {
        expectInvalidToken(await me(await s().mint(claims, { typ })));
      }
      await expectAcceptedAs(await s().mint(claims, { typ: "JWT" }), alice);
      await expectAcceptedAs(await s().mint(claims), alice);
    },
  );

  attack(
    "a sid that is random, or another user's live session",
    "401 invalid_token (the session check)",
    async () => {
      expectInvalidToken(await me(await mint({ sid: "no-such-session" })));
      expectInvalidToken(await me(await mint({ sid: bob.sessionId })));
    },
  );

  attack(
    "extra claims that try to grant power (role, admin, scope, user_id, owner)",
    "ignored: 200 as the token's own sub, and only their own data",
    async () => {
      const created = await s().api("/api/tasks", { token: bob.token, json: { title: "Bob's secret" } });
      expect(created.status).toBe(201);
      const token = await mint({
        role: "admin",
        admin: true,
        scope: "tasks:* admin",
        permissions: ["*"],
        user_id: bob.id,
        userId: bob.id,
        owner: bob.id,
        "https://hasura.io/jwt/claims": { "x-hasura-user-id": bob.id, "x-hasura-role": "admin" },
      });
      await expectAcceptedAs(token, alice);
      const list = await s().api("/api/tasks", { token });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain("Bob's secret");
      expectProblem(
        await s().api(`/api/tasks/${created.json().id as string}`, { token }),
        404,
        "TASK_NOT_FOUND",
      );
    },
  );
});
