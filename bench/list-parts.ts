// Development aid: what one authenticated list request's parts cost in-process on SQLite, with
// no HTTP around them (µs per call, median of 5 batches): the list statement alone, the statement
// plus the page JSON, and the whole request through the app (`app.request`).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListTasksQuerySchema } from "@tandem/contracts";
import { migrateDatabase } from "@tandem/auth";
import { createDb } from "@tandem/db";
import { sql } from "kysely";
import SQLite from "better-sqlite3";
import { listTasks, listTasksQuery } from "../apps/api/src/tasks/tasks.queries.ts";
import { taskPageJson } from "../apps/api/src/tasks/tasks.serializer.ts";
import { seedTasks } from "./lib/seed.ts";

const dir = mkdtempSync(join(tmpdir(), "tandem-list-parts-"));
const database = createDb(`file:${join(dir, "t.db")}`);
await migrateDatabase(database);
const userId = "u1";
const now = new Date().toISOString();
await sql`INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") VALUES (${userId}, 'U', 'u@example.com', 1, ${now}, ${now})`.execute(
  database.db,
);
await seedTasks(database, userId, 50);
const query = ListTasksQuerySchema.parse({ limit: "20" });

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 2000; i++) await fn();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const n = 5000;
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    batches.push(((performance.now() - t) * 1000) / n);
  }
  batches.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} ${batches[2]?.toFixed(1)} µs`);
}
const compiled = listTasksQuery(database, userId, query).statement.compile();
const raw = new SQLite(join(dir, "t.db"));
const prepared = raw.prepare(compiled.sql);
await time("SQLite alone (prepared, .all)", () =>
  Promise.resolve(prepared.all(...(compiled.parameters as unknown[]))),
);
await time("Kysely: build + compile the statement", () =>
  Promise.resolve(listTasksQuery(database, userId, query).statement.compile()),
);
await time("list statement (listTasks)", () => listTasks(database, userId, query));
await time("statement + page JSON", async () => taskPageJson(await listTasks(database, userId, query)));
await time("query-string parse (zod)", () => Promise.resolve(ListTasksQuerySchema.parse({ limit: "20" })));
await database.destroy();
