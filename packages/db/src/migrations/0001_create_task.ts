import { type Kysely, sql } from "kysely";
import { dialectOf } from "../dialect.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  const instant = dialectOf(db) === "postgres" ? "timestamptz" : "text";
  await db.schema
    .createTable("task")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn("description", "text", (c) => c.check(sql`length(description) <= 5000`))
    .addColumn("completed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("priority", "text", (c) =>
      c
        .notNull()
        .defaultTo("medium")
        .check(sql`priority in ('low', 'medium', 'high')`),
    )
    .addColumn("due_at", sql.raw(instant))
    .addColumn("completed_at", sql.raw(instant))
    .addColumn("created_at", sql.raw(instant), (c) => c.notNull())
    .addColumn("updated_at", sql.raw(instant), (c) => c.notNull())
    .execute();
  // Serves the default list (newest first) and its keyset pages per user, in either direction.
  await db.schema
    .createIndex("task_user_created_idx")
    .on("task")
    .columns(["user_id", "created_at", "id"])
    .execute();
  // Serves the Active / Completed filters without scanning the other half.
  await db.schema
    .createIndex("task_user_completed_created_idx")
    .on("task")
    .columns(["user_id", "completed", "created_at", "id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("task").execute();
}
