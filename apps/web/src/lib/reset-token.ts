/** The password-reset token, moved from the link's URL into this cookie by proxy.ts. */
export const RESET_TOKEN_COOKIE = "tandem.reset-token";
/** As long as the link itself is valid (packages/auth RESET_LINK_SECONDS). */
export const RESET_TOKEN_MAX_AGE = 3600;
