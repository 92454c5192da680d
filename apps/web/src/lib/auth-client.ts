import { createAuthClient } from "better-auth/react";

/** Browser-side Better Auth client; same origin, so the session cookie stays httpOnly. */
export const authClient = createAuthClient();
