export const VERIFY_BANNER_COOKIE = "tandem.verify-banner";
