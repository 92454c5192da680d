import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { TandemDb } from "./create-db.ts";
import type { Dialect } from "./dialect.ts";
import type { Database } from "./schema.ts";

/** Stands for one named parameter while a statement is compiled. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A statement whose SQL text never changes, built with Kysely's query builder once per database
 * handle and then sent with new parameters each time. Building and compiling a statement through
 * the builder costs more CPU than SQLite takes to run a small insert (decision 030), so a hot
 * statement of a fixed shape pays for it once.
 *
 * `build` receives one placeholder per name, typed as `never` so it fits any column, and the
 * handle's dialect; it must use each placeholder only as a value (Kysely then sends it as a
 * parameter) and build the same shape whatever the values are. A placeholder that ends up
 * anywhere else fails on first use.
 */
export function compiledOnce<K extends string, R>(
  names: readonly K[],
  build: (db: Kysely<Database>, values: Readonly<Record<K, never>>, dialect: Dialect) => Compilable<R>,
): (
  database: Pick<TandemDb, "db" | "dialect">,
  values: Readonly<Record<K, unknown>>,
) => Promise<QueryResult<R>> {
  const statement = compiledStatement(names, build);
  return async (database, values) => database.db.executeQuery<R>(statement(database, values));
}

/**
 * `compiledOnce`'s statement with its values, not yet sent: for a caller that also shows the
 * statement (a query plan) or sends it its own way.
 */
export function compiledStatement<K extends string, R>(
  names: readonly K[],
  build: (db: Kysely<Database>, values: Readonly<Record<K, never>>, dialect: Dialect) => Compilable<R>,
): (database: Pick<TandemDb, "db" | "dialect">, values: Readonly<Record<K, unknown>>) => CompiledQuery<R> {
  const compiled = new WeakMap<Kysely<Database>, { sql: string; order: K[] }>();
  const compile = (db: Kysely<Database>, dialect: Dialect) => {
    const slots = Object.fromEntries(names.map((name) => [name, new Slot(name)]));
    const query = build(db, slots as Record<K, never>, dialect).compile();
    const order = query.parameters.map((parameter) => {
      if (!(parameter instanceof Slot)) {
        throw new Error(`compiledOnce: a parameter of "${query.sql}" is not one of its named values`);
      }
      return parameter.name as K;
    });
    const entry = { sql: query.sql, order };
    compiled.set(db, entry);
    return entry;
  };
  return ({ db, dialect }, values) => {
    const { sql, order } = compiled.get(db) ?? compile(db, dialect);
    return CompiledQuery.raw(
      sql,
      order.map((name) => values[name]),
    ) as CompiledQuery<R>;
  };
}
