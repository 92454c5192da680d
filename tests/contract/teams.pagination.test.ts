import {
  PRIORITIES,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskSort,
  type TaskStatus,
  type TeamTask,
} from "@tandem/contracts";
import { uuidv7 } from "@tandem/db";
import type { TestUser } from "@tandem/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { expected, random } from "./support/ordering.ts";
import { type Api, useApi } from "./support/server.ts";
import { targets } from "./support/targets.ts";
import { createTask, rowAsTask } from "./support/tasks.ts";
import { createTeam, join, teamPage, teamStats } from "./support/teams.ts";

// The team list pages as the personal one does (decision 016, 5): 250 team tasks seeded straight
// into the database, with colliding titles, instants and due dates, walked page by page with every
// sort and order; no page repeats or skips a row, or shows another team's or anyone's personal task.

const TITLES = [
  "alpha",
  "Alpha",
  "beta",
  "école",
  "École",
  "eclair",
  "Zebra",
  "zebra",
  "😀 smile",
  "Ｆｕｌｌwidth",
  "_under",
  "50% off",
];
const DUES = [null, null, "2030-01-01T00:00:00.000Z", "1999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"];
const TOTAL = 250;

async function seed(h: Api, teamId: string, people: (string | null)[], count: number, seedValue: number) {
  const next = random(seedValue);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const base = Date.parse("2026-01-01T00:00:00.000Z");
  const rows = Array.from({ length: count }, (_, i) => {
    const created = new Date(base + Math.floor(next() * 40) * 1000).toISOString();
    const completed = i % 5 < 2;
    return {
      id: uuidv7(base + Math.floor(next() * 1e9)),
      user_id: null,
      team_id: teamId,
      created_by: pick(people),
      assignee_id: pick(people),
      title: pick(TITLES),
      description: i % 7 === 0 ? "mentions Alpha here" : null,
      completed: completed ? 1 : 0,
      priority: pick(PRIORITIES),
      due_at: pick(DUES),
      completed_at: completed ? created : null,
      created_at: created,
      updated_at: created,
    };
  });
  await h.database.db.insertInto("task").values(rows).execute();
}

/** The team's tasks as the database holds them, in the API's shape. */
async function truth(h: Api, teamId: string): Promise<TeamTask[]> {
  const rows = await h.database.db.selectFrom("task").selectAll().where("team_id", "=", teamId).execute();
  return rows.map((r) => ({ ...rowAsTask(r), teamId, createdBy: r.created_by, assigneeId: r.assignee_id }));
}

describe.each(targets())("team list pagination ($label)", (target) => {
  const h = useApi(target);
  let reader: TestUser;
  let teamId: string;
  let all: TeamTask[];

  beforeAll(async () => {
    const owner = await h.signUp("Owner");
    reader = await h.signUp("Reader");
    teamId = await createTeam(h.auth, owner, "Paged");
    await join(h.auth, teamId, owner, reader, "viewer");
    // Another team of the same people and the reader's personal tasks: no page may include them.
    const other = await createTeam(h.auth, reader, "Other");
    await seed(h, teamId, [owner.id, reader.id, null], TOTAL, 42);
    await seed(h, other, [reader.id], 40, 7);
    for (const title of ["alpha personal", "zebra personal"]) await createTask(h, reader.token, { title });
    all = await truth(h, teamId);
  });

  /** Follows `nextCursor` to the end; every page full but the last, which is not empty. */
  async function walk(query: Record<string, string>, limit: number): Promise<TeamTask[]> {
    const items: TeamTask[] = [];
    let cursor: string | undefined;
    for (let n = 0; n <= TOTAL + 1; n++) {
      const params = new URLSearchParams({
        ...query,
        limit: String(limit),
        ...(cursor === undefined ? {} : { cursor }),
      });
      const page = await teamPage(h, reader.token, teamId, params.toString());
      const label = `${JSON.stringify(query)} limit ${limit} page ${n}`;
      if (cursor !== undefined)
        expect(page.items.length, `${label}: a cursor led to an empty page`).toBeGreaterThan(0);
      items.push(...page.items);
      if (page.nextCursor === null) return items;
      expect(page.items, `${label}: a page before the last is short`).toHaveLength(limit);
      cursor = page.nextCursor;
    }
    throw new Error(`pagination of ${JSON.stringify(query)} never ended`);
  }

  it("seeds what the walks rely on", async () => {
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all.map((t) => t.createdAt)).size).toBeLessThan(50);
    const completed = all.filter((t) => t.completed).length;
    expect(await teamStats(h, reader.token, teamId)).toEqual({
      all: TOTAL,
      active: TOTAL - completed,
      completed,
    });
  });

  it.each(TASK_SORTS)(
    "walks sort=%s in both orders with limit 7, every status with limit 100",
    async (sort: TaskSort) => {
      for (const order of ["asc", "desc"] as const) {
        const want = expected(all, sort, order, "all").map((t) => t.id);
        const got = (await walk({ sort, order }, 7)).map((t) => t.id);
        expect(new Set(got).size, `duplicates in ${sort} ${order}`).toBe(got.length);
        expect(got, `${sort} ${order}`).toEqual(want);
        for (const status of TASK_STATUSES.filter((s) => s !== "all") as TaskStatus[]) {
          const filtered = (await walk({ sort, order, status }, 100)).map((t) => t.id);
          expect(filtered, `${sort} ${order} ${status}`).toEqual(
            expected(all, sort, order, status).map((t) => t.id),
          );
        }
      }
    },
  );

  it("returns each task exactly as stored, with its team, author and assignee", async () => {
    expect(await walk({ sort: "created", order: "asc" }, 100)).toEqual(
      expected(all, "created", "asc", "all"),
    );
  });

  it.each(["alpha", "ÉCOLE", "50%", "_"])("combines q=%s with pagination and counts", async (q) => {
    const want = expected(all, "title", "asc", "all", q);
    if (q === "alpha" || q === "ÉCOLE") expect(want.length).toBeGreaterThan(0);
    expect((await walk({ q, sort: "title", order: "asc" }, 7)).map((t) => t.id)).toEqual(
      want.map((t) => t.id),
    );
    const completed = want.filter((t) => t.completed).length;
    expect(await teamStats(h, reader.token, teamId, `q=${encodeURIComponent(q)}`)).toEqual({
      all: want.length,
      active: want.length - completed,
      completed,
    });
  });
});
