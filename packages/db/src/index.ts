export { createDb, DatabaseUrlError, DEFAULT_SQLITE_PATH } from "./create-db.ts";
export type { CreateDbOptions, TandemDb } from "./create-db.ts";
export { type Dialect, dialectOf } from "./dialect.ts";
export { migrateTandem, migrateTandemTo, MigrationError, pendingMigrations } from "./migrate.ts";
export type {
  Database,
  JwksTable,
  SecurityEventTable,
  SecurityEventType,
  SessionTable,
  SignInFailureTable,
  TaskTable,
  UserTable,
} from "./schema.ts";
export { SECURITY_EVENT_TYPES } from "./schema.ts";
export { uuidv7 } from "./ids.ts";
export { compiledOnce, compiledStatement } from "./compiled-once.ts";
export { isDatabaseUnavailable, isForeignKeyViolation } from "./errors.ts";
