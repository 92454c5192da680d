// Requirements group 10, first half: the key set down, slow or broken. The web app (the JWKS) is
// really stopped and restarted; an API that has never fetched the keys must fail closed (503 +
// Retry-After), one with a warm cache keeps verifying, and both recover without a restart.
import { afterAll, beforeAll, describe, expect } from "vitest";
import { createAttackerKeys, signToken, tamperToken } from "@tandem/testing";
import type { StackService } from "@tandem/stack";
import { attack } from "./lib/attack.ts";
import { eventually, expectAuthUnavailable, expectInvalidToken } from "./lib/expect.ts";
import { type JwksRelay, startJwksRelay } from "./lib/rogue.ts";
import { type Account, targets, useStack } from "./lib/stack.ts";

describe.each(targets())(
  "10. availability: the key set down, slow or broken ($label)",
  ({ backend, dialect }) => {
    const s = useStack(dialect, { backend });
    let alice: Account;
    let bob: Account;
    let relay: JwksRelay;
    let relayedApi: StackService;
    beforeAll(async () => {
      [alice, bob] = await Promise.all([s().signUp({ name: "Alice" }), s().signUp({ name: "Bob" })]);
      // Warms the main API's key cache.
      expect((await s().api("/api/me", { token: alice.token })).status).toBe(200);
      relay = await startJwksRelay(`${s().webUrl}/api/auth/jwks`, "hang");
      relayedApi = await s().stack.addService("api", `${backend}-${dialect}-relayed`, {
        AUTH_JWKS_URL: relay.url,
        AUTH_JWKS_TIMEOUT_SECONDS: "1",
      });
    });
    afterAll(() => relay.close());

    describe("the web app (JWKS) stopped", () => {
      let coldApi: StackService;
      beforeAll(async () => {
        await s().stack.stopWeb();
        // An API instance that starts during the outage: nothing cached.
        coldApi = await s().stack.addService("api", `${backend}-${dialect}-cold`);
      });
      afterAll(() => s().stack.startWeb());
      const cold = (token: string) => s().api("/api/me", { token, base: coldApi.url });

      attack(
        "a valid token at an API that never fetched the keys",
        "503 AUTH_UNAVAILABLE + Retry-After (fail closed), never 200 or 401",
        async () => {
          for (let i = 0; i < 3; i += 1) expectAuthUnavailable(await cold(alice.token));
        },
      );

      attack(
        "a malformed or alg=none token at that API",
        "still 401 invalid_token: refused before any key is needed",
        async () => {
          expectInvalidToken(await cold("not.a.jwt"));
          expectInvalidToken(await cold(tamperToken(alice.token, { header: { alg: "none" } })));
        },
      );

      attack(
        "valid tokens at the API with a warm key cache",
        "200: it keeps verifying during the outage",
        async () => {
          for (const user of [alice, bob]) {
            const response = await s().api("/api/me", { token: user.token });
            expect(response.status).toBe(200);
            expect(response.json()).toMatchObject({ id: user.id, name: user.name });
          }
        },
      );

      attack(
        "a forged token at the warm API during the outage",
        "401 invalid_token: the outage opens nothing",
        async () => {
          expectInvalidToken(
            await s().api("/api/me", { token: tamperToken(alice.token, { payload: { sub: bob.id } }) }),
          );
          const attacker = await createAttackerKeys();
          const unknownKid = await signToken(attacker.privateKey, {
            header: { alg: "EdDSA", kid: attacker.kid },
            payload: s().claimsFor(bob),
          });
          // A kid it has never seen may be a freshly rotated key it cannot fetch: it cannot tell, so 503.
          expectAuthUnavailable(await s().api("/api/me", { token: unknownKid }));
        },
      );

      attack(
        "the web app comes back; the cold API is asked again",
        "200 within seconds, without restarting the API (failure not cached)",
        async () => {
          expectAuthUnavailable(await cold(alice.token));
          await s().stack.startWeb();
          const tookMs = await eventually(async () => (await cold(alice.token)).status === 200, {
            withinMs: 10_000,
          });
          console.info(
            `[${backend}, ${dialect}] the cold API verified again ${tookMs} ms after the web app was back`,
          );
          expect((await cold(bob.token)).json()).toMatchObject({ id: bob.id, name: "Bob" });
        },
      );
    });

    attack(
      "the JWKS hangs (timeout 1 s), then answers HTML, then recovers",
      "503 + Retry-After while broken (no hang, nothing cached), then 200",
      async () => {
        const me = () => s().api("/api/me", { token: alice.token, base: relayedApi.url });
        relay.mode = "hang";
        expectAuthUnavailable(await me());
        relay.mode = "html";
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expectAuthUnavailable(await me());
        relay.mode = "reset";
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expectAuthUnavailable(await me());
        relay.mode = "proxy";
        await eventually(async () => (await me()).status === 200, { withinMs: 5_000 });
        expect(relay.requests).toBeGreaterThanOrEqual(4);
      },
    );
  },
);
