import type { Logger } from "pino";
import type { Identity } from "./auth/verifier.ts";

/** Hono context variables set by Tandem's middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    identity: Identity;
  };
}
