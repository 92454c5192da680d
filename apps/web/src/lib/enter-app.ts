import { useRouter } from "next/navigation";
import { useCallback } from "react";

/**
 * What the sign-in pages call once a session exists: go to `next` (a same-origin path, checked by
 * safeNext), replacing the sign-in page in the history.
 *
 * A client-side navigation, and only that (docs/decisions/025-sign-in-navigation.md): the router
 * asks the server for the signed-in page once, as it would for any link, and keeps React and
 * Next's runtime alive instead of loading and evaluating them again, as a full page load did.
 * No `router.refresh()` on top: every page is rendered per request (the root layout calls
 * `connection()`), so the router keeps no signed-out render it could show again, and a refresh
 * only rendered the page on the server a second time.
 */
export function useEnterApp(): (next: string) => void {
  const router = useRouter();
  return useCallback((next: string) => router.replace(next), [router]);
}
