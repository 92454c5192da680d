import type { HttpBindings } from "@hono/node-server";
import type { Logger } from "pino";
import type { Identity } from "./auth/identity.ts";

/** Hono context variables set by Tandem's middleware. */
export interface AppEnv {
  /** The Node request and response under @hono/node-server; absent under `app.request` (tests). */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    requestId: string;
    logger: Logger;
    identity: Identity;
  };
}
