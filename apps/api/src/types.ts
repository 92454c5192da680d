import type { HttpBindings } from "@hono/node-server";
import type { ErrorCode, TeamRole } from "@tandem/contracts";
import type { Logger } from "pino";
import type { Identity } from "./auth/identity.ts";

/** Hono context variables set by Tandem's middleware. */
export interface AppEnv {
  /** The Node request and response under @hono/node-server; absent under `app.request` (tests). */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    requestId: string;
    /** The app's logger; use `requestLogger(c)`, which tags lines with the request's id. */
    rootLogger: Logger;
    /** Made by `requestLogger(c)` on first use. */
    logger: Logger;
    /** The code of the problem the request was answered with (set by `onError`, counted by the metrics). */
    problem: ErrorCode;
    identity: Identity;
    /** Under `/api/teams/:teamId`: the team, once the caller's membership has been checked. */
    team: { id: string; role: TeamRole };
  };
}
