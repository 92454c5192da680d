import { testDialects, type TestUser } from "@tandem/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { counted } from "../../test/counted-db.ts";
import { addMember, createTeam, removeMember, setRole } from "../../test/team-kit.ts";
import { REFRESH_AHEAD_FRACTION } from "../auth/bounded-cache.ts";
import { DEFAULT_REVOCATION_CHECK_SECONDS } from "../auth/session-check.ts";
import { createTeamAccess, MembershipStoreUnavailableError } from "./team-access.ts";

// Team membership is read from the database, never from the token (decision 016 point 4), with a
// cache bounded by the revocation setting: a removal or a downgrade is seen once the bound has
// passed, and not sooner needs a query per request. Here: the cache on an injected clock, counting
// the queries it makes. What a member observes over HTTP is in team-tasks.routes.test.ts.

const BOUND_MS = DEFAULT_REVOCATION_CHECK_SECONDS * 1000;

describe.each(testDialects())("team membership cache (%s)", (dialect) => {
  let h!: ApiHarness;
  let owner!: TestUser;
  let user!: TestUser;
  let teamId!: string;
  let clock = 0;

  beforeEach(async () => {
    h = await createApiHarness(dialect);
    [owner, user] = [await h.signUp("Owner"), await h.signUp("User")];
    teamId = await createTeam(h, owner);
    await addMember(h, teamId, user, "member");
    clock = Date.now();
  });
  afterEach(async () => h.close());

  it("reads the role from the member row: a role Tandem does not know grants none, a non-member is null", async () => {
    const { database } = counted(h.apiDatabase.db);
    const access = createTeamAccess({ database, cacheSeconds: 0 });
    expect(await access.membershipOf(owner.id, teamId)).toEqual({ role: "owner" });
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    await setRole(h, teamId, user, "superuser");
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: null });
    expect(await access.membershipOf(user.id, "no-such-team")).toBeNull();
    const stranger = await h.signUp("Stranger");
    expect(await access.membershipOf(stranger.id, teamId)).toBeNull();
  });

  it("answers from the cache inside the bound, with no query, and sees a removal once it has passed", async () => {
    const { database, queries } = counted(h.apiDatabase.db);
    const access = createTeamAccess({ database, now: () => clock });
    const start = clock;
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    expect(queries()).toBe(1);
    await removeMember(h, teamId, user);
    // Until the refresh-ahead point: the cached answer, and not one more query.
    for (const at of [1, 1000, 2000, BOUND_MS * REFRESH_AHEAD_FRACTION - 1]) {
      clock = start + at;
      expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    }
    expect(queries()).toBe(1);
    clock = start + BOUND_MS;
    expect(await access.membershipOf(user.id, teamId)).toBeNull();
  });

  it("sees a downgrade exactly at the bound, not a millisecond before", async () => {
    const access = createTeamAccess({ database: h.apiDatabase, cacheSeconds: 10, now: () => clock });
    const start = clock;
    expect(await access.membershipOf(owner.id, teamId)).toEqual({ role: "owner" });
    await setRole(h, teamId, owner, "viewer");
    clock = start + 10_000 - 1; // the cached answer (and a refresh in the background)
    expect(await access.membershipOf(owner.id, teamId)).toEqual({ role: "owner" });
    clock = start + 10_000;
    expect(await access.membershipOf(owner.id, teamId)).toEqual({ role: "viewer" });
  });

  it("asks the database on every request when the bound is 0", async () => {
    const { database, queries } = counted(h.apiDatabase.db);
    const access = createTeamAccess({ database, cacheSeconds: 0, now: () => clock });
    for (let i = 1; i <= 3; i++) {
      expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
      expect(queries()).toBe(i);
    }
    await setRole(h, teamId, user, "viewer");
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "viewer" });
    await removeMember(h, teamId, user);
    expect(await access.membershipOf(user.id, teamId)).toBeNull();
  });

  it("shares one query among concurrent lookups of the same membership", async () => {
    const { database, queries } = counted(h.apiDatabase.db);
    const access = createTeamAccess({ database, now: () => clock });
    const answers = await Promise.all(Array.from({ length: 20 }, () => access.membershipOf(user.id, teamId)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ({ role: "member" })));
    expect(queries()).toBe(1);
    // A different (user, team) pair is a different answer.
    expect(await access.membershipOf(owner.id, teamId)).toEqual({ role: "owner" });
    expect(queries()).toBe(2);
  });

  it("keeps at most maxEntries answers, dropping the oldest first", async () => {
    const other = await createTeam(h, owner, "Other");
    const roomy = createTeamAccess({ database: h.apiDatabase, cacheSeconds: 3600, maxEntries: 10 });
    const tight = createTeamAccess({ database: h.apiDatabase, cacheSeconds: 3600, maxEntries: 1 });
    for (const access of [roomy, tight]) {
      expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
      expect(await access.membershipOf(owner.id, other)).toEqual({ role: "owner" });
    }
    await removeMember(h, teamId, user);
    expect(await roomy.membershipOf(user.id, teamId)).toEqual({ role: "member" }); // still cached
    expect(await tight.membershipOf(user.id, teamId)).toBeNull(); // evicted, so asked again
  });

  it("refreshes a busy membership ahead of the bound, serving the cached answer meanwhile", async () => {
    const access = createTeamAccess({ database: h.apiDatabase, cacheSeconds: 10, now: () => clock });
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    await removeMember(h, teamId, user);
    clock += 10_000 * REFRESH_AHEAD_FRACTION; // due: the cached answer, and a query in the background
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    const deadline = Date.now() + 5_000;
    let membership = await access.membershipOf(user.id, teamId);
    while (membership !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      membership = await access.membershipOf(user.id, teamId);
    }
    expect(membership).toBeNull();
  });

  it("fails closed when the member table cannot be read, also after a failed refresh once the bound has passed", async () => {
    const access = createTeamAccess({ database: h.apiDatabase, cacheSeconds: 10, now: () => clock });
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    await h.apiDatabase.destroy();
    clock += 9_000; // the refresh is due and fails: the answer within the bound still stands
    expect(await access.membershipOf(user.id, teamId)).toEqual({ role: "member" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 1_000; // the bound has passed
    await expect(access.membershipOf(user.id, teamId)).rejects.toBeInstanceOf(
      MembershipStoreUnavailableError,
    );
    await expect(access.membershipOf(owner.id, teamId)).rejects.toBeInstanceOf(
      MembershipStoreUnavailableError,
    );
  });
});
