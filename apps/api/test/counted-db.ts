import type { Database } from "@tandem/db";
import type { Kysely, KyselyPlugin } from "kysely";

/**
 * A database handle that counts the statements executed through it. Counted as their results come
 * back, so a statement compiled once and sent many times counts each time.
 */
export function counted(db: Kysely<Database>) {
  let queries = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      queries += 1;
      return args.result;
    },
  };
  return { database: { db: db.withPlugin(plugin) }, queries: () => queries };
}
