import {
  DEFAULT_ORDER,
  PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type Task,
  type TaskPage,
} from "@tandem/contracts";
import { type TandemDb, uuidv7 } from "@tandem/db";
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { rowAsTask } from "./support/tasks.ts";
import { comparator, expected, random } from "./support/ordering.ts";

// Titles that collide once lowercased, non-ASCII ones whose code point order differs from their
// UTF-16 order (U+FF26 sorts before U+1F600 by code point, after it by UTF-16 unit), and the
// LIKE wildcards, which a search must take literally.
const TITLES = [
  "alpha", "Alpha", "ALPHA", "beta", "Beta", "école", "École", "ÉCOLE primaire", "eclair",
  "Zebra", "zebra", "😀 smile", "Ｆｕｌｌwidth", "a", "100", "20", "_under", "50% off",
]; // prettier-ignore
// Colliding due dates, one exactly at the epoch (what the query substitutes for "no due date").
const DUES = [null, null, "2030-01-01T00:00:00.000Z", "1999-12-31T23:59:59.999Z", "2030-06-15T12:00:00.000Z"];
const EPOCH_DUE = "1970-01-01T00:00:00.000Z";
const TOTAL = 250;
const COMPLETED = 100;

async function insertUser(db: TandemDb["db"], id: string): Promise<void> {
  const now = new Date().toISOString();
  await sql`INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
    VALUES (${id}, ${"Other"}, ${`${id}@example.test`}, ${0}, ${now}, ${now})`.execute(db);
}

/** Inserts tasks directly: only 40 distinct creation instants, ids unrelated to creation time. */
async function seed(db: TandemDb["db"], userId: string, count: number, seedValue: number): Promise<void> {
  const next = random(seedValue);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const base = Date.parse("2026-01-01T00:00:00.000Z");
  const rows = Array.from({ length: count }, (_, i) => {
    const created = new Date(base + Math.floor(next() * 40) * 1000).toISOString();
    const completed = i % 5 < 2;
    return {
      id: uuidv7(base + Math.floor(next() * 1e9)),
      user_id: userId,
      title: pick(TITLES),
      description: i % 7 === 0 ? "mentions Alpha here" : i % 7 === 1 ? "" : null,
      completed: completed ? 1 : 0,
      priority: pick(PRIORITIES),
      due_at: i % 50 === 3 ? EPOCH_DUE : pick(DUES),
      completed_at: completed ? created : null,
      created_at: created,
      updated_at: created,
    };
  });
  await db.insertInto("task").values(rows).execute();
}

/** The caller's tasks as the database holds them, in the API's shape. */
async function truth(db: TandemDb["db"], userId: string): Promise<Task[]> {
  const rows = await db.selectFrom("task").selectAll().where("user_id", "=", userId).execute();
  return rows.map(rowAsTask);
}

describe.each(targets())("task list pagination ($label)", (target) => {
  const h = useApi(target);
  let token: string;
  let userId: string;
  let all: Task[];

  beforeEach(async () => {
    const user = await h.signUp();
    token = user.token;
    userId = user.id;
    // Another user's tasks in the same table, which no page may ever include.
    const other = `other-${uuidv7()}`;
    await insertUser(h.database.db, other);
    await seed(h.database.db, user.id, TOTAL, 42);
    await seed(h.database.db, other, 40, 7);
    all = await truth(h.database.db, user.id);
  });

  async function page(query: Record<string, string>): Promise<TaskPage> {
    const response = await h.request("GET", `/api/tasks?${new URLSearchParams(query)}`, { token });
    expect(response.status, `${JSON.stringify(query)}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as TaskPage;
  }

  /** Follows `nextCursor` to the end; checks every page is full but the last, which is not empty. */
  async function walk(query: Record<string, string>, limit: number): Promise<Task[]> {
    const items: Task[] = [];
    let cursor: string | undefined;
    for (let n = 0; n <= TOTAL + 1; n++) {
      const body = await page({
        ...query,
        limit: String(limit),
        ...(cursor === undefined ? {} : { cursor }),
      });
      const label = `${JSON.stringify(query)} limit ${limit} page ${n}`;
      if (cursor !== undefined)
        expect(body.items.length, `${label}: a cursor led to an empty page`).toBeGreaterThan(0);
      items.push(...body.items);
      if (body.nextCursor === null) {
        expect(body.items.length, label).toBeLessThanOrEqual(limit);
        return items;
      }
      expect(body.items, `${label}: a page before the last is short`).toHaveLength(limit);
      cursor = body.nextCursor;
    }
    throw new Error(`pagination of ${JSON.stringify(query)} never ended`);
  }

  it("seeds what the walks rely on", () => {
    expect(all).toHaveLength(TOTAL);
    expect(all.filter((t) => t.completed)).toHaveLength(COMPLETED);
    expect(new Set(all.map((t) => t.createdAt)).size).toBeLessThan(50);
    expect(all.some((t) => t.dueAt === null) && all.some((t) => t.dueAt === EPOCH_DUE)).toBe(true);
  });

  it.each(TASK_SORTS)("walks sort=%s in both orders, every status and limits 1, 7 and 100", async (sort) => {
    for (const order of ["asc", "desc"] as const) {
      for (const status of TASK_STATUSES) {
        const want = expected(all, sort, order, status).map((t) => t.id);
        for (const limit of [1, 7, 100]) {
          const got = (await walk({ sort, order, status }, limit)).map((t) => t.id);
          expect(new Set(got).size, `duplicates in ${sort} ${order} ${status} ${limit}`).toBe(got.length);
          expect(got, `${sort} ${order} ${status} limit ${limit}`).toEqual(want);
        }
      }
    }
  });

  it("returns each task exactly as stored, and never another user's", async () => {
    const items = await walk({ sort: "created", order: "asc" }, 100);
    expect(items).toEqual(expected(all, "created", "asc", "all"));
  });

  it("uses each sort's default order and 20 items when order and limit are omitted", async () => {
    for (const sort of TASK_SORTS) {
      const body = await page({ sort });
      expect(
        body.items.map((t) => t.id),
        sort,
      ).toEqual(
        expected(all, sort, DEFAULT_ORDER[sort], "all")
          .slice(0, 20)
          .map((t) => t.id),
      );
      expect(body.nextCursor).not.toBeNull();
    }
    const defaults = await page({});
    expect(defaults.items.map((t) => t.id)).toEqual(
      expected(all, "created", "desc", "all")
        .slice(0, 20)
        .map((t) => t.id),
    );
  });

  it("clamps limit to 100", async () => {
    for (const limit of ["100", "101", "5000", "999999"]) {
      const body = await page({ limit });
      expect(body.items, `limit=${limit}`).toHaveLength(100);
      expect(body.nextCursor).not.toBeNull();
    }
  });

  it("ends with a full last page and a null cursor when the total is a multiple of the limit", async () => {
    const body = await page({ status: "completed", limit: "100" });
    expect(body.items).toHaveLength(COMPLETED);
    expect(body.nextCursor).toBeNull();
  });

  it.each(["alpha", "ÉCOLE", "50%", "_", "zzz-nothing"])("combines q=%s with pagination", async (q) => {
    for (const [sort, order, status] of [
      ["title", "asc", "all"],
      ["created", "desc", "active"],
      ["due", "desc", "completed"],
      ["priority", "asc", "all"],
    ] as const) {
      const want = expected(all, sort, order, status, q).map((t) => t.id);
      // The expectation is a literal substring match, so "_" and "%" must not act as wildcards.
      if (q !== "zzz-nothing" && status === "all") expect(want.length, q).toBeGreaterThan(0);
      if (q === "_" || q === "50%") expect(want.length, q).toBeLessThan(all.length / 4);
      const got = (await walk({ q, sort, order, status }, 7)).map((t) => t.id);
      expect(got, `${q} ${sort} ${order} ${status}`).toEqual(want);
    }
  });

  it.each(TASK_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((order) => [sort, order] as const)))(
    "never repeats or skips a row when tasks are added and deleted between pages (%s %s)",
    async (sort, order) => {
      const next = random(99);
      const originals = new Set(all.map((t) => t.id));
      const deletedUnseen = new Set<string>();
      const seen: Task[] = [];
      let cursor: string | undefined;
      do {
        const body = await page({ sort, order, limit: "25", ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...body.items);
        cursor = body.nextCursor ?? undefined;
        if (cursor === undefined) break;
        // Delete the row the cursor points at and one not yet seen; add one through the API and
        // one directly, at a colliding creation instant and with a random id.
        const last = body.items.at(-1) as Task;
        expect((await h.request("DELETE", `/api/tasks/${last.id}`, { token })).status).toBe(204);
        const unseen = all.filter((t) => !seen.some((s) => s.id === t.id) && !deletedUnseen.has(t.id));
        const victim = unseen[Math.floor(next() * unseen.length)];
        if (victim) {
          await h.database.db.deleteFrom("task").where("id", "=", victim.id).execute();
          deletedUnseen.add(victim.id);
        }
        const title = TITLES[Math.floor(next() * TITLES.length)] as string;
        const dueAt = DUES[Math.floor(next() * DUES.length)] ?? null;
        const created = await h.request("POST", "/api/tasks", {
          token,
          body: { title, dueAt, priority: "high" },
        });
        expect(created.status).toBe(201);
        const donor = all[Math.floor(next() * all.length)] as Task;
        await h.database.db
          .insertInto("task")
          .values({
            id: uuidv7(Date.parse(donor.createdAt) + Math.floor(next() * 1e9)),
            user_id: userId,
            title: donor.title,
            completed: 0,
            priority: donor.priority,
            due_at: donor.dueAt,
            created_at: donor.createdAt,
            updated_at: donor.createdAt,
          })
          .execute();
      } while (cursor !== undefined);

      const ids = seen.map((t) => t.id);
      expect(new Set(ids).size, "a row was returned twice").toBe(ids.length);
      const compare = comparator(sort, order);
      for (let i = 1; i < seen.length; i++) {
        expect(
          compare(seen[i - 1] as Task, seen[i] as Task),
          `rows ${i - 1} and ${i} out of order`,
        ).toBeLessThan(0);
      }
      const missing = [...originals].filter((id) => !deletedUnseen.has(id) && !ids.includes(id));
      expect(missing, "rows that were never deleted went missing").toEqual([]);
      expect(ids.filter((id) => deletedUnseen.has(id))).toEqual([]);
    },
  );
});
