import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { type Generated, Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "./create-db.ts";
import { GroupCommitSqliteDialect } from "./sqlite-group-commit.ts";

interface Item {
  id: Generated<number>;
  label: string;
  payload: Buffer | null;
}

interface Schema {
  item: Item;
}

let dir: string;
let path: string;
let sqlite: SQLite.Database;
let dialect: GroupCommitSqliteDialect;
let db: Kysely<Schema>;
/** A second connection to the same file: it sees only what has been committed. */
let observer: SQLite.Database;

const committedLabels = () =>
  (observer.prepare("select label from item order by id").all() as { label: string }[]).map((r) => r.label);

const insert = (label: string, payload: Buffer | null = null) =>
  db.insertInto("item").values({ label, payload }).returning(["id", "label"]).executeTakeFirstOrThrow();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "tandem-group-commit-"));
  path = join(dir, "test.db");
  sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.exec(
    "create table item (id integer primary key, label text not null check (length(label) <= 10), payload blob)",
  );
  dialect = new GroupCommitSqliteDialect(sqlite, (text) => sqlite.prepare(text));
  db = new Kysely<Schema>({ dialect });
  observer = new SQLite(path, { readonly: true });
});

afterEach(async () => {
  await db.destroy();
  observer.close();
  if (sqlite.open) sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite group commit", () => {
  it("commits the writes of one turn together and answers each only once they are committed", async () => {
    const labels = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const seenWhenAnswered: number[] = [];
    const writes = labels.map((label) =>
      insert(label).then((row) => {
        seenWhenAnswered.push(committedLabels().length);
        return row;
      }),
    );
    const rows = await Promise.all(writes);

    expect(rows.map((r) => r.label)).toEqual(labels);
    // Every writer was answered after all 50 were visible to another connection: one commit.
    expect(seenWhenAnswered).toEqual(labels.map(() => 50));
    expect(dialect.groupCommit.commits).toBe(1);
    expect(committedLabels()).toEqual(labels);
  });

  it("a write that arrives later starts the next batch", async () => {
    await insert("first");
    await insert("second");
    expect(dialect.groupCommit.commits).toBe(2);
    expect(committedLabels()).toEqual(["first", "second"]);
  });

  it("a failing statement fails alone: the rest of its batch commits", async () => {
    const results = await Promise.allSettled(["a", "b", "far too long a label", "c"].map((l) => insert(l)));

    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const failure = results[2] as PromiseRejectedResult;
    expect((failure.reason as { code?: string }).code).toBe("SQLITE_CONSTRAINT_CHECK");
    expect(dialect.groupCommit.commits).toBe(1);
    expect(committedLabels()).toEqual(["a", "b", "c"]);
  });

  it("a full database: every answered write is kept and no refused one is", async () => {
    // SQLITE_FULL undoes the statement or, depending on where it struck, the whole transaction.
    sqlite.pragma("max_page_count = 40");
    const labels = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const results = await Promise.allSettled(
      labels.map((label, i) => insert(label, Buffer.alloc(i === 6 ? 400_000 : 64))),
    );

    const answered = labels.filter((_, i) => results[i]?.status === "fulfilled");
    expect(results[6]?.status).toBe("rejected");
    expect(committedLabels()).toEqual(answered);
    sqlite.pragma("max_page_count = 1000000");
    await insert("after");
    expect(committedLabels()).toEqual([...answered, "after"]);
  });

  it("an error that ends the transaction fails every write of its batch; the next write starts anew", async () => {
    const { groupCommit } = dialect;
    const kept = sqlite.prepare("insert into item (label) values (?)");
    const first = groupCommit.run(() => kept.run("lost"));
    const fatal = groupCommit.run(() => {
      // What SQLite does on an I/O error or a full disk in some statements: the transaction ends.
      sqlite.exec("rollback");
      throw new Error("disk I/O error");
    });
    const next = groupCommit.run(() => kept.run("next"));

    await expect(fatal).rejects.toThrow("disk I/O error");
    await expect(first).rejects.toThrow("disk I/O error");
    await expect(next).resolves.toBeDefined();
    expect(committedLabels()).toEqual(["next"]);
  });

  it("a commit that fails fails every write of its batch and leaves nothing behind", async () => {
    // A deferred foreign key is checked at COMMIT, which then fails with the transaction open.
    sqlite.pragma("foreign_keys = ON");
    sqlite.exec(
      "create table child (id integer primary key, item_id integer references item (id) deferrable initially deferred)",
    );
    const orphan = sqlite.prepare("insert into child (item_id) values (?)");
    const results = await Promise.allSettled([insert("ok"), dialect.groupCommit.run(() => orphan.run(999))]);

    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      code: "SQLITE_CONSTRAINT_FOREIGNKEY",
    });
    expect(sqlite.inTransaction).toBe(false);
    expect(committedLabels()).toEqual([]);
    await insert("later");
    expect(committedLabels()).toEqual(["later"]);
  });

  it("a transaction waits for the open batch, then has the connection to itself", async () => {
    let during: Promise<unknown> = Promise.resolve();
    const before = insert("before");
    const rolledBack = db.transaction().execute(async (trx) => {
      await trx.insertInto("item").values({ label: "in-tx", payload: null }).execute();
      // Another writer comes in while the transaction is open: it must not land inside it.
      during = insert("during");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(committedLabels()).toEqual(["before"]);
      throw new Error("roll back");
    });

    await expect(rolledBack).rejects.toThrow("roll back");
    await before;
    await during;
    expect(committedLabels()).toEqual(["before", "during"]);
  });

  it("runs a deferred task only once the open batch has committed", async () => {
    const write = insert("x");
    // Kysely reaches the driver a few microtasks later (and the batch commits on the next turn).
    for (let i = 0; i < 100 && !dialect.groupCommit.open; i++) await Promise.resolve();
    expect(dialect.groupCommit.open).toBe(true);
    const states: boolean[] = [];
    dialect.groupCommit.whenIdle(() => states.push(sqlite.inTransaction));
    await write;
    expect(states).toEqual([false]);
    dialect.groupCommit.whenIdle(() => states.push(sqlite.inTransaction));
    expect(states).toEqual([false, false]);
  });

  it("closing commits the open batch first", async () => {
    const writes = ["p", "q"].map((label) => insert(label));
    await db.destroy();
    await expect(Promise.all(writes)).resolves.toHaveLength(2);
    expect(committedLabels()).toEqual(["p", "q"]);
  });
});

describe("createDb with sqliteGroupCommit", () => {
  it("batches the writes of one turn, and reads on the connection see them", async () => {
    const database = createDb(`file:${join(dir, "created.db")}`, { sqliteGroupCommit: true });
    try {
      await sql`create table note (id integer primary key, body text not null)`.execute(database.db);
      const other = new SQLite(join(dir, "created.db"), { readonly: true });
      try {
        const count = () => (other.prepare("select count(*) as n from note").get() as { n: number }).n;
        const counts: number[] = [];
        const writes = Array.from({ length: 20 }, (_, i) =>
          sql`insert into note (body) values (${`n${i}`})`
            .execute(database.db)
            .then(() => counts.push(count())),
        );
        await Promise.all(writes);
        expect(counts).toEqual(Array.from({ length: 20 }, () => 20));
        const read = await sql<{ n: number }>`select count(*) as n from note`.execute(database.db);
        expect(read.rows[0]?.n).toBe(20);
      } finally {
        other.close();
      }
    } finally {
      await database.destroy();
    }
  });
});
