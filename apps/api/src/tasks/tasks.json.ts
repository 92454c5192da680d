import type { Task } from "@tandem/contracts";
import { type RawBuilder, sql } from "kysely";

/**
 * JSON text known to hold a `T`, sent as it is instead of being parsed into objects and
 * serialised again.
 */
export type JsonText<T> = string & { readonly __jsonOf?: T };

/**
 * A `task` row as the JSON of the API's `Task`, built by SQLite: building the text in C is
 * cheaper than creating nine JS values per row and running `JSON.stringify` over them (figures in
 * docs/decisions/007-list-path-database-tuning.md). SQLite already stores instants as the API's ISO text and has no boolean type (0/1),
 * hence `json('true')`, which json_object writes as a JSON true rather than a string.
 *
 * Postgres is not asked to do the same: formatting its timestamptz values as that text (to_char)
 * cost the database more CPU than it saved the API (decision 007). Single-task responses go
 * through `toTask` on both engines; a test checks that both give the same task.
 */
export const sqliteTaskJson: RawBuilder<JsonText<Task>> = sql`json_object('id', id, 'title', title,
  'description', description, 'completed', json(case when completed then 'true' else 'false' end),
  'priority', priority, 'dueAt', due_at, 'completedAt', completed_at, 'createdAt', created_at,
  'updatedAt', updated_at)`;
