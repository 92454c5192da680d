"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true after. Controls that act
 * through JavaScript stay disabled until then: a click before hydration would otherwise be lost, or
 * send the form natively and come back empty.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
