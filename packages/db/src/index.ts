export { createDb, DatabaseUrlError, DEFAULT_SQLITE_PATH } from "./create-db.ts";
export type { CreateDbOptions, Dialect, TandemDb } from "./create-db.ts";
export { dialectOf } from "./dialect.ts";
export { migrateTandem, MigrationError, pendingMigrations } from "./migrate.ts";
export type { Database, SessionTable, TaskTable, UserTable } from "./schema.ts";
export { uuidv7 } from "./ids.ts";
export { isForeignKeyViolation } from "./errors.ts";
