import { ListTasksQuerySchema } from "@tandem/contracts";
import { createDb, type Dialect, type TandemDb } from "@tandem/db";
import { createTestDatabase, type TestDatabase, testDialects } from "@tandem/testing";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../../test/api-harness.ts";
import { counted } from "../../test/counted-db.ts";
import { sample } from "../../test/metrics-sample.ts";
import { createApiMetrics } from "../metrics/metrics.ts";
import { createTaskListCache } from "./tasks.list-cache.ts";

interface Page {
  items: { id: string; title: string; completed: boolean }[];
  nextCursor: string | null;
}

describe.each(testDialects())("the task list cache through the API (%s)", (dialect) => {
  let h: ApiHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setUp() {
    const metrics = createApiMetrics();
    h = await createApiHarness(dialect, { metrics });
    const harness = h;
    const lookups = async () => {
      const text = await metrics.registry.metrics();
      const at = (result: string) =>
        sample(text, `tandem_cache_lookups_total{cache="task_list",result="${result}"}`);
      return { hit: at("hit"), miss: at("miss") };
    };
    const list = async (token: string, query = "") => {
      const response = await harness.request("GET", `/api/tasks${query}`, { token });
      expect(response.status).toBe(200);
      return (await response.json()) as Page;
    };
    return { h: harness, lookups, list };
  }

  it("serves a repeated page from the cache, and any change through the API afresh", async () => {
    const { h, lookups, list } = await setUp();
    const ada = await h.signUp();
    const create = async (title: string) => {
      const response = await h.request("POST", "/api/tasks", { token: ada.token, body: { title } });
      return ((await response.json()) as { id: string }).id;
    };
    const first = await create("one");
    await create("two");
    const titles = async () => (await list(ada.token)).items.map((t) => `${t.title}:${t.completed}`);

    expect(await titles()).toEqual(["two:false", "one:false"]);
    expect(await titles()).toEqual(["two:false", "one:false"]);
    expect(await lookups()).toEqual({ hit: 1, miss: 1 });

    const changes: [string, () => Promise<unknown>, string[]][] = [
      ["create", () => create("three"), ["three:false", "two:false", "one:false"]],
      [
        "toggle",
        () => h.request("PATCH", `/api/tasks/${first}/complete`, { token: ada.token }),
        ["three:false", "two:false", "one:true"],
      ],
      [
        "update",
        () => h.request("PATCH", `/api/tasks/${first}`, { token: ada.token, body: { title: "uno" } }),
        ["three:false", "two:false", "uno:true"],
      ],
      [
        "replace",
        () => h.request("PUT", `/api/tasks/${first}`, { token: ada.token, body: { title: "ein" } }),
        ["three:false", "two:false", "ein:false"],
      ],
      [
        "delete",
        () => h.request("DELETE", `/api/tasks/${first}`, { token: ada.token }),
        ["three:false", "two:false"],
      ],
    ];
    for (const [label, change, expected] of changes) {
      const before = await lookups();
      await change();
      expect(await titles(), label).toEqual(expected);
      expect(await titles(), label).toEqual(expected);
      // One build after the change, then the kept page.
      expect(await lookups(), label).toEqual({ hit: before.hit + 1, miss: before.miss + 1 });
    }
  });

  it("sees a change written by another connection at once, as another instance's or the FastAPI backend's", async () => {
    const { h, list } = await setUp();
    const ada = await h.signUp();
    await h.request("POST", "/api/tasks", { token: ada.token, body: { title: "mine" } });
    expect((await list(ada.token)).items.map((t) => t.title)).toEqual(["mine"]);
    expect((await list(ada.token)).items.map((t) => t.title)).toEqual(["mine"]);
    // Better Auth's connection, not the API's: plain SQL, no application code to bump anything.
    await sql`UPDATE task SET title = ${"changed elsewhere"} WHERE user_id = ${ada.id}`.execute(
      h.database.db,
    );
    expect((await list(ada.token)).items.map((t) => t.title)).toEqual(["changed elsewhere"]);
    await sql`DELETE FROM task WHERE user_id = ${ada.id}`.execute(h.database.db);
    expect((await list(ada.token)).items).toEqual([]);
  });

  it("keeps each user's pages to that user, and one user's change leaves another's page kept", async () => {
    const { h, lookups, list } = await setUp();
    const ada = await h.signUp();
    const bob = await h.signUp();
    for (const [user, title] of [
      [ada, "ada's"],
      [bob, "bob's"],
    ] as const)
      await h.request("POST", "/api/tasks", { token: user.token, body: { title } });
    for (let round = 0; round < 2; round++) {
      expect((await list(ada.token)).items.map((t) => t.title)).toEqual(["ada's"]);
      expect((await list(bob.token)).items.map((t) => t.title)).toEqual(["bob's"]);
    }
    expect(await lookups()).toEqual({ hit: 2, miss: 2 });
    await h.request("POST", "/api/tasks", { token: ada.token, body: { title: "ada's second" } });
    expect((await list(bob.token)).items.map((t) => t.title)).toEqual(["bob's"]);
    expect((await list(ada.token)).items.map((t) => t.title)).toEqual(["ada's second", "ada's"]);
    expect(await lookups()).toEqual({ hit: 3, miss: 3 });
    // The compatibility mount shares the cache and the same scoping.
    const other = await h.request("GET", `/api/${bob.id}/tasks`, { token: ada.token });
    expect(other.status).toBe(403);
  });

  it("keeps a page per query: filters, sizes and cursors are pages of their own", async () => {
    const { h, list } = await setUp();
    const ada = await h.signUp();
    for (const title of ["a", "b", "c"])
      await h.request("POST", "/api/tasks", { token: ada.token, body: { title, completed: title === "b" } });
    for (let round = 0; round < 2; round++) {
      expect((await list(ada.token, "?status=completed")).items.map((t) => t.title)).toEqual(["b"]);
      expect((await list(ada.token, "?status=active")).items.map((t) => t.title)).toEqual(["c", "a"]);
      const first = await list(ada.token, "?limit=2");
      expect(first.items.map((t) => t.title)).toEqual(["c", "b"]);
      const next = await list(ada.token, `?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
      expect(next.items.map((t) => t.title)).toEqual(["a"]);
      expect((await list(ada.token, "?q=b")).items.map((t) => t.title)).toEqual(["b"]);
    }
  });
});

const query = ListTasksQuerySchema.parse({});

/** A migrated database with these users, opened as the API opens it (group commit on SQLite). */
async function cacheDatabase(dialect: Dialect, userIds: string[], open: { destroy(): Promise<void> }[]) {
  const database: TestDatabase = await createTestDatabase(dialect);
  open.push({ destroy: () => database.cleanup() });
  const api: TandemDb = createDb(database.url, { sqliteGroupCommit: true });
  open.push(api);
  const now = new Date().toISOString();
  for (const id of userIds) {
    await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
      VALUES (${id}, ${id}, ${`${id}@example.test`}, ${0}, ${now}, ${now})`.execute(database.db);
  }
  let n = 0;
  const addTask = (userId: string) =>
    api.db
      .insertInto("task")
      .values({
        id: `t${(n += 1)}`,
        user_id: userId,
        title: "t",
        completed: 0,
        priority: "medium",
        created_at: now,
        updated_at: now,
      })
      .execute();
  return { api, addTask };
}

describe.each(testDialects())("createTaskListCache (%s)", (dialect) => {
  const open: { destroy(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const database of open.splice(0).reverse()) await database.destroy();
  });

  it("keeps no page for a user without a recorded change", async () => {
    const { api } = await cacheDatabase(dialect, ["u"], open);
    const seen: boolean[] = [];
    const cache = createTaskListCache({ database: api, onLookup: (hit) => seen.push(hit) });
    for (let i = 0; i < 2; i++) expect(await cache.page("u", query, async () => "empty")).toBe("empty");
    expect(seen).toEqual([false, false]);
  });

  it("answers lists that arrive together each with its own user's version, read in one statement", async () => {
    const { api, addTask } = await cacheDatabase(dialect, ["a", "b", "c", "d"], open);
    for (const user of ["a", "b", "c"]) await addTask(user);
    // The builds below touch no database: every statement counted is a version read.
    const { database, queries: versionReads } = counted(api.db);
    const seen: string[] = [];
    const cache = createTaskListCache({
      database: { ...api, ...database },
      onLookup: (hit) => seen.push(hit ? "hit" : "miss"),
    });
    const round = (label: string) =>
      Promise.all(
        ["a", "b", "c", "d"].map((user) => cache.page(user, query, async () => `${user}:${label}`)),
      );

    expect(await round("first")).toEqual(["a:first", "b:first", "c:first", "d:first"]);
    expect(versionReads()).toBe(1);
    seen.length = 0;
    // b's change is committed before the next requests arrive: b's page is built again, the others
    // are kept, and d (no change recorded yet) is never kept.
    await addTask("b");
    expect(await round("second")).toEqual(["a:first", "b:second", "c:first", "d:second"]);
    expect(seen).toEqual(["hit", "miss", "hit", "miss"]);
    expect(versionReads()).toBe(2);
  });

  it("drops the least recently used page past its size, and keeps nothing with a size of 0", async () => {
    const { api, addTask } = await cacheDatabase(dialect, ["a", "b", "c"], open);
    for (const user of ["a", "b", "c"]) await addTask(user);
    const seen: boolean[] = [];
    // Room for two of these pages (and their keys), not three.
    const cache = createTaskListCache({ database: api, maxBytes: 2_500, onLookup: (hit) => seen.push(hit) });
    const page = (user: string) => cache.page(user, query, async () => user.repeat(1_000));
    for (const user of ["a", "b", "a", "c", "a", "b"]) await page(user);
    // a, b built; a kept; c built (b, the least recently used, dropped); a kept; b built again.
    expect(seen).toEqual([false, false, true, false, true, false]);

    const none = createTaskListCache({ database: api, maxBytes: 0, onLookup: (hit) => seen.push(hit) });
    seen.length = 0;
    for (let i = 0; i < 2; i++) await none.page("a", query, async () => "a");
    expect(seen).toEqual([]);
  });
});

describe("createTaskListCache on SQLite with group commit", () => {
  const open: { destroy(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const database of open.splice(0).reverse()) await database.destroy();
  });

  it("keeps no page built while a write batch was open (it could yet fail)", async () => {
    const { api, addTask } = await cacheDatabase("sqlite", ["u"], open);
    await addTask("u");
    const seen: boolean[] = [];
    const cache = createTaskListCache({ database: api, onLookup: (hit) => seen.push(hit) });
    const pending = addTask("u");
    // Kysely reaches the driver a few microtasks later; the batch then stays open until its commit.
    for (let i = 0; i < 100 && api.committedReads?.() !== undefined; i++) await Promise.resolve();
    expect(api.committedReads?.()).toBeUndefined();
    await cache.page("u", query, async () => "during");
    await pending;
    expect(await cache.page("u", query, async () => "after")).toBe("after");
    expect(await cache.page("u", query, async () => "again")).toBe("after");
    expect(seen).toEqual([false, false, true]);
  });
});
