import type { TandemDb } from "@tandem/db";
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { requestOrigin } from "../request-parts.ts";
import { completedSignIn, endsSignIn } from "../sign-in-methods/completed.ts";
import { recordSecurityEvent } from "./events.ts";
import { clearFailures, emailKey } from "./lockout.ts";

/**
 * A completed sign-in, whatever the method (password, password plus code, passkey, provider):
 * the account's failure count starts over and the history says so. Registered after the
 * two-factor plugin, so a password that still awaits its code is not yet a sign-in — the code
 * failures that follow keep counting toward the lockout.
 */
export function signInRecordsPlugin(options: { database: TandemDb; secret: string }) {
  return {
    id: "tandem-sign-in-records",
    hooks: {
      after: [
        {
          matcher: (ctx) => endsSignIn(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const user = completedSignIn(ctx);
            if (user === null) return;
            try {
              await clearFailures(options.database.db, emailKey(options.secret, user.email));
              await recordSecurityEvent(options.database.db, {
                userId: user.id,
                type: "sign_in",
                ...requestOrigin(ctx),
              });
            } catch (error) {
              ctx.context.logger.error("Could not record the sign-in", error);
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
