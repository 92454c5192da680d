import type SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
} from "kysely";

type Statement = SQLite.Statement<unknown[], unknown>;

interface Batch {
  /** Settles when the batch has committed (or failed as a whole). */
  done: Promise<void>;
  settle(error?: unknown): void;
}

/**
 * Group commit for one SQLite connection: the writes that arrive in one turn of the event loop
 * run in one transaction, committed once (in `setImmediate`, after the turn's I/O callbacks), and
 * each writer is answered only after that commit. Why (docs/decisions/028-sqlite-group-commit.md):
 * a commit writes every page the statement touched (the row and each index) to the log; writes
 * committed together share their pages and their commit, several times cheaper per write.
 *
 * A failing statement (a CHECK or foreign key, say) is undone by SQLite on its own and the batch
 * goes on; an error that ends the transaction (a full disk) fails every write in the batch, none
 * of which was acknowledged. Reads on this connection see the open batch's writes.
 */
export class GroupCommit {
  readonly #sqlite: SQLite.Database;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  #batch: Batch | undefined;
  #opened = 0;
  readonly #afterCommit: (() => void)[] = [];
  /**
   * Batches committed so far, in shared memory: the background checkpoint worker reads it to skip
   * its pass while this process has written nothing (sqlite-checkpoints.ts).
   */
  readonly commitCount = new Int32Array(new SharedArrayBuffer(4));

  constructor(sqlite: SQLite.Database) {
    this.#sqlite = sqlite;
    // IMMEDIATE takes the write lock at BEGIN, where the busy timeout applies, rather than at
    // the first write, where another process's lock would fail the batch.
    this.#begin = sqlite.prepare("begin immediate");
    this.#commit = sqlite.prepare("commit");
    this.#rollback = sqlite.prepare("rollback");
  }

  /** Batches committed so far. */
  get commits(): number {
    return Atomics.load(this.commitCount, 0);
  }

  /** Whether a batch is open (its transaction has begun and not yet committed). */
  get open(): boolean {
    return this.#batch !== undefined;
  }

  /**
   * Batches opened so far, or undefined while one is open (and reads may see its writes, which
   * could yet fail). Two equal numbers mean every read between them saw committed data only.
   */
  get settled(): number | undefined {
    return this.#batch === undefined ? this.#opened : undefined;
  }

  /** Runs `write` in the open batch (opening one); resolves with its result once committed. */
  async run<T>(write: () => T): Promise<T> {
    const batch = this.#batch ?? this.#openBatch();
    let result: T;
    try {
      result = write();
    } catch (error) {
      // Most errors undo only the statement; one that ended the transaction undid the batch.
      if (!this.#sqlite.inTransaction) this.#end(batch, error);
      throw error;
    }
    await batch.done;
    return result;
  }

  /** Resolves once no batch is open. */
  async idle(): Promise<void> {
    while (this.#batch !== undefined) await this.#batch.done.catch(() => undefined);
  }

  /** Runs `task` now if no batch is open, else right after the open batch commits. */
  whenIdle(task: () => void): void {
    if (this.#batch === undefined) task();
    else this.#afterCommit.push(task);
  }

  #openBatch(): Batch {
    this.#begin.run();
    this.#opened += 1;
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // A batch whose every write failed has no one waiting on it.
    done.catch(() => undefined);
    const batch: Batch = { done, settle };
    this.#batch = batch;
    setImmediate(() => this.#commitBatch(batch));
    return batch;
  }

  #commitBatch(batch: Batch): void {
    if (this.#batch !== batch) return;
    try {
      this.#commit.run();
      Atomics.add(this.commitCount, 0, 1);
      this.#end(batch);
    } catch (error) {
      if (this.#sqlite.inTransaction) this.#rollback.run();
      this.#end(batch, error);
    }
  }

  #end(batch: Batch, error?: unknown): void {
    this.#batch = undefined;
    batch.settle(error);
    for (const task of this.#afterCommit.splice(0)) {
      try {
        task();
      } catch {
        // A deferred task reports its own failures; the batch's outcome stands.
      }
    }
  }
}

interface Transaction {
  connection: GroupCommitConnection;
  ended: Promise<void>;
  end(): void;
}

/**
 * Kysely's SQLite driver with group commit: statements that write, outside a transaction, join
 * the open batch. A transaction (`db.transaction()`) waits for the open batch to commit and then
 * has the connection to itself: other statements wait for it to end, as with Kysely's own driver.
 */
class GroupCommitDriver implements Driver {
  readonly #sqlite: SQLite.Database;
  readonly #prepare: (text: string) => Statement;
  readonly groupCommit: GroupCommit;
  #transaction: Transaction | undefined;

  constructor(sqlite: SQLite.Database, prepare: (text: string) => Statement, groupCommit: GroupCommit) {
    this.#sqlite = sqlite;
    this.#prepare = prepare;
    this.groupCommit = groupCommit;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GroupCommitConnection(this);
  }

  /** True when another connection's transaction is open: `connection` must wait for its end. */
  blocked(connection: GroupCommitConnection): boolean {
    return this.#transaction !== undefined && this.#transaction.connection !== connection;
  }

  /** Waits until `connection` may use the database: no other connection's transaction is open. */
  async turn(connection: GroupCommitConnection): Promise<void> {
    while (this.blocked(connection)) await this.#transaction?.ended;
  }

  inTransaction(connection: GroupCommitConnection): boolean {
    return this.#transaction?.connection === connection;
  }

  prepare(text: string): Statement {
    return this.#prepare(text);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const own = connection as GroupCommitConnection;
    for (;;) {
      await this.turn(own);
      if (!this.groupCommit.open) break;
      await this.groupCommit.idle();
    }
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.#sqlite.exec("begin");
    this.#transaction = { connection: own, ended, end };
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.#endTransaction(connection, "commit");
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.#endTransaction(connection, "rollback");
  }

  #endTransaction(connection: DatabaseConnection, verb: "commit" | "rollback"): void {
    const transaction = this.#transaction;
    if (transaction?.connection !== connection)
      throw new Error(`${verb} outside this connection's transaction`);
    try {
      // A failed statement may already have rolled the transaction back.
      if (this.#sqlite.inTransaction) this.#sqlite.exec(verb);
    } finally {
      this.#transaction = undefined;
      transaction.end();
    }
  }

  // Kysely's own driver compiles these through its query compiler; the name is quoted here alike.
  async savepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A transaction left open by a failure in Kysely's own code must not lock everyone out.
    if (this.#transaction?.connection === connection) await this.rollbackTransaction(connection);
  }

  async destroy(): Promise<void> {
    await this.groupCommit.idle();
  }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

class GroupCommitConnection implements DatabaseConnection {
  readonly #driver: GroupCommitDriver;

  constructor(driver: GroupCommitDriver) {
    this.#driver = driver;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // Reads take no extra turn of the microtask queue unless a transaction is in the way.
    if (this.#driver.blocked(this))
      return this.#driver.turn(this).then(() => this.executeQuery(compiledQuery));
    const statement = this.#driver.prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    const execute = (): QueryResult<R> => {
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    };
    if (!statement.readonly && !this.#driver.inTransaction(this))
      return this.#driver.groupCommit.run(execute);
    try {
      return Promise.resolve(execute());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    await this.#driver.turn(this);
    if (!SelectQueryNode.is(compiledQuery.query)) throw new Error("SQLite streams select queries only");
    const statement = this.#driver.prepare(compiledQuery.sql);
    for (const row of statement.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/** Kysely's SQLite dialect, driven with group commit (`GroupCommit`) on `sqlite`. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly #driver: GroupCommitDriver;

  constructor(sqlite: SQLite.Database, prepare: (text: string) => Statement) {
    super({ database: { close: () => sqlite.close(), prepare } });
    this.#driver = new GroupCommitDriver(sqlite, prepare, new GroupCommit(sqlite));
  }

  get groupCommit(): GroupCommit {
    return this.#driver.groupCommit;
  }

  override createDriver(): Driver {
    return this.#driver;
  }
}
