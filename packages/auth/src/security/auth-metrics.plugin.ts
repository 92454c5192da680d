import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { completedSignIn, endsSignIn } from "../sign-in-methods/completed.ts";

/** What the metrics count: the web app turns each into a Prometheus counter. */
export type AuthEvent = "sign_in" | "sign_in_failure" | "lockout" | "sign_up";

const SIGN_UP = "/sign-up/email";

/**
 * Tells `onEvent` of every completed sign-in, refused sign-in and
 * sign-up. It keeps no metrics library: the web app owns the registry and its port.
 *
 * @example
 * createAuth({ ...config, onAuthEvent: (event) => counter.inc({ event }) });
 */
export function authMetricsPlugin(onEvent: (event: AuthEvent) => void) {
  return {
    id: "tandem-auth-metrics",
    hooks: {
      after: [
        {
          matcher: (ctx) => ctx.path === SIGN_UP || endsSignIn(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned;
            if (ctx.path === SIGN_UP) {
              if (!isAPIError(returned)) onEvent("sign_up");
              return;
            }
            if (completedSignIn(ctx) !== null) onEvent("sign_in");
            // A lock engaging is told by the security hooks (onLockout); an attempt refused while
            // locked never reaches the after-hooks, so it is neither a failure nor a lockout here.
            else if (isAPIError(returned)) onEvent("sign_in_failure");
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
