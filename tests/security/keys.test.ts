// Requirements group 10, second half: signing-key rotation with a grace period (decision 005).
// The operator command (`npm run auth:rotate-key`) runs against the running stack's database:
// tokens under the old key keep verifying during the grace period, the next token has a new kid
// and verifies at the API at once, and once the grace period is over (a web instance with a
// 5-second grace and an API that refreshes its keys every second) old-key tokens are refused.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeToken } from "@tandem/testing";
import { createAttackerKeys, signToken } from "@tandem/testing";
import { beforeAll, describe, expect } from "vitest";
import { BIN, ROOT, type StackService } from "@tandem/stack";
import { attack } from "./lib/attack.ts";
import { eventually, expectInvalidToken } from "./lib/expect.ts";
import { type Account, targets, type SecurityStack, useStack } from "./lib/stack.ts";

const SHORT_GRACE_SECONDS = 5;

/** `npm run auth:rotate-key -- <args>` against the stack's database; its output. */
async function rotateKey(s: SecurityStack, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(join(BIN, "tsx"), ["scripts/auth-rotate-key.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: s.database.url },
  });
  return stdout;
}

const kidOf = (token: string) => String(decodeToken(token).header.kid);

async function publishedKids(s: SecurityStack, base: string): Promise<string[]> {
  const response = await s.web("/api/auth/jwks", { base, origin: null });
  return response.json<{ keys: { kid: string }[] }>().keys.map((key) => key.kid);
}

describe.each(targets())("10. key rotation ($label)", ({ backend, dialect }) => {
  const s = useStack(dialect, { backend });
  let alice: Account;
  let shortGraceWeb: StackService;
  let shortCacheApi: StackService;
  beforeAll(async () => {
    alice = await s().signUp({ name: "Alice" });
    // Same database and secret, so the same keys: a web instance that keeps retired keys 5 s only,
    // and an API that reads its JWKS and refreshes its key cache every second.
    shortGraceWeb = await s().stack.addService("web", `${backend}-${dialect}-short-grace`, {
      AUTH_KEY_GRACE_SECONDS: String(SHORT_GRACE_SECONDS),
      AUTH_TOKEN_LIFETIME_SECONDS: String(SHORT_GRACE_SECONDS),
    });
    shortCacheApi = await s().stack.addService("api", `${backend}-${dialect}-short-cache`, {
      AUTH_JWKS_URL: `${shortGraceWeb.url}/api/auth/jwks`,
      AUTH_JWKS_MAX_AGE_SECONDS: "1",
    });
  });
  const me = (token: string, base?: string) => s().api("/api/me", { token, ...(base ? { base } : {}) });
  async function expectAccepted(token: string, base?: string) {
    const response = await me(token, base);
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ id: alice.id, name: "Alice" });
  }
  /** A fresh session and token, as the browser would get after a rotation. */
  const freshToken = () => s().token(alice.cookie, alice.ip);

  attack(
    "rotate the signing key with the operator command while tokens are in use",
    "old tokens keep verifying (grace); the next token has a new kid and verifies at once",
    async () => {
      const before = await freshToken();
      await expectAccepted(before);

      const output = await rotateKey(s());
      expect(output).toContain(`Retired ${kidOf(before)}`);
      await expectAccepted(before);

      // The API fetches the key set right now (a token with a kid it does not know), just before
      // the web app creates the new key on the next sign: until decision 005 a new kid within
      // the cooldown of that fetch was refused.
      const attacker = await createAttackerKeys();
      const unknown = await signToken(attacker.privateKey, {
        header: { alg: "EdDSA", kid: attacker.kid },
        payload: s().claimsFor(alice),
      });
      expectInvalidToken(await me(unknown));
      const after = await freshToken();
      expect(kidOf(after)).not.toBe(kidOf(before));
      await expectAccepted(after);
      await expectAccepted(before);
      expect((await publishedKids(s(), s().webUrl)).sort()).toEqual(
        expect.arrayContaining([kidOf(before), kidOf(after)]),
      );
      // The command lists the state it left.
      expect(await rotateKey(s(), "--list")).toMatch(new RegExp(`${kidOf(before)}\\s+retired`));
    },
  );

  attack(
    `rotate, then wait out a ${SHORT_GRACE_SECONDS} s grace period`,
    "the old key leaves that JWKS and, after the API's next key refresh, old-key tokens are 401 invalid_token; new ones verify",
    async () => {
      // An old-key token that outlives the grace period (an insider mints it with the real key).
      const old = await s().mint(s().claimsFor(alice, { exp: Math.floor(Date.now() / 1000) + 600 }));
      await expectAccepted(old, shortCacheApi.url);
      await rotateKey(s());
      const rotatedAt = Date.now();
      await expectAccepted(old, shortCacheApi.url);
      const fresh = await freshToken();
      await expectAccepted(fresh, shortCacheApi.url);

      const tookMs = await eventually(async () => (await me(old, shortCacheApi.url)).status === 401, {
        withinMs: (SHORT_GRACE_SECONDS + 1 + 4) * 1000,
      });
      console.info(
        `[${backend}, ${dialect}] the old key was refused ${Date.now() - rotatedAt} ms after the rotation (poll: ${tookMs} ms)`,
      );
      expectInvalidToken(await me(old, shortCacheApi.url));
      expect(await publishedKids(s(), shortGraceWeb.url)).not.toContain(kidOf(old));
      // The default 2-day grace still publishes it: the bound is the web app's setting.
      expect(await publishedKids(s(), s().webUrl)).toContain(kidOf(old));
      await expectAccepted(fresh, shortCacheApi.url);
    },
  );

  attack(
    "revoke a compromised signing key (auth:rotate-key -- --revoke)",
    "it leaves the JWKS at once; its tokens are refused after the API's next key refresh; new tokens verify",
    async () => {
      const compromised = await s().mint(s().claimsFor(alice));
      await expectAccepted(compromised, shortCacheApi.url);
      const output = await rotateKey(s(), "--revoke");
      expect(output).toContain(`Revoked ${kidOf(compromised)}`);
      expect(await publishedKids(s(), s().webUrl)).not.toContain(kidOf(compromised));
      await eventually(async () => (await me(compromised, shortCacheApi.url)).status === 401, {
        withinMs: 5_000,
      });
      expectInvalidToken(await me(compromised, shortCacheApi.url));
      const fresh = await freshToken();
      expect(kidOf(fresh)).not.toBe(kidOf(compromised));
      await expectAccepted(fresh, shortCacheApi.url);
      await expectAccepted(fresh);
    },
  );
});
