import { retireSigningKeys } from "@tandem/auth";
import { decodeToken, type TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";

// A signing-key rotation seen from the API, with each backend's DEFAULT key-set settings (nothing
// here overrides AUTH_JWKS_COOLDOWN_SECONDS): a token signed with the new key must be accepted on its
// first request, even when the backend fetched the key set a moment before the rotation, and
// tokens signed with the retired key keep working during the grace period.
describe.each(targets())("key rotation ($label)", (target) => {
  const h = useApi(target);
  let alice: TestUser;
  beforeAll(async () => {
    alice = await h.signUp("Alice");
  });
  const me = (token: string) => h.request("GET", "/api/me", { token });
  const kidOf = (token: string) => decodeToken(token).header.kid;

  it("a new kid minted right after the backend fetched the key set is accepted at once", async () => {
    // An unknown kid makes the backend fetch the key set now, so the rotation below falls inside
    // its refetch cooldown: the worst moment for a rotation.
    const before = await me(alice.token);
    expect(before.status).toBe(200);

    const retired = await retireSigningKeys(h.database);
    expect(retired).toEqual([kidOf(alice.token)]);
    const rotated = await h.auth.mintToken(alice.cookie);
    expect(kidOf(rotated)).not.toBe(kidOf(alice.token));

    const started = performance.now();
    const first = await me(rotated);
    const elapsedMs = performance.now() - started;
    expect(first.status, await first.clone().text()).toBe(200);
    expect(((await first.json()) as { id: string }).id).toBe(alice.id);
    // Reported, not asserted (tests never assert timings): how long the first request waited.
    console.log(`${target.label}: first request with the new kid answered 200 in ${elapsedMs.toFixed(0)} ms`);

    // The retired key is still published (grace period): its tokens keep verifying.
    expect((await me(alice.token)).status).toBe(200);
  });

  it("a second rotation moments later: the newest kid is accepted on its first request too", async () => {
    const current = await h.auth.mintToken(alice.cookie);
    expect((await me(current)).status).toBe(200);
    await retireSigningKeys(h.database);
    const newest = await h.auth.mintToken(alice.cookie);
    expect(kidOf(newest)).not.toBe(kidOf(current));
    expect((await me(newest)).status).toBe(200);
    expect((await me(current)).status).toBe(200);
  });
});
