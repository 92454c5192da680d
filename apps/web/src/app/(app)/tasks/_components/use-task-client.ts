"use client";

import { useEffect, useRef, useState } from "react";
import { type ApiClientOptions, type ApiError, createApiClient, createTokenManager } from "@/lib/api-client";

/** Sends the user to sign in and back here; a full navigation, so no task data stays in memory. */
function signInAgain() {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/sign-in?next=${encodeURIComponent(here)}&reason=session-ended`);
}

export type ListOptions = Pick<ApiClientOptions, "tasksPath" | "parsers" | "onError">;

/**
 * The task screen's API client, made once per page: its token comes from the session cookie
 * (api-token.ts) and a session that ends sends the user to sign in. `list` points it at a team's
 * tasks; its `onError` is read when an error happens, so it may change between renders.
 */
export function useTaskClient(apiUrl: string, list: ListOptions = {}) {
  const [sessionEnded, setSessionEnded] = useState(false);
  const onError = useRef(list.onError);
  useEffect(() => {
    onError.current = list.onError;
  });
  const [{ tokens, client }] = useState(() => {
    const tokens = createTokenManager({
      onSessionEnded: () => {
        setSessionEnded(true);
        signInAgain();
      },
    });
    const client = createApiClient({
      baseUrl: apiUrl,
      tokens,
      ...(list.tasksPath === undefined ? {} : { tasksPath: list.tasksPath }),
      ...(list.parsers === undefined ? {} : { parsers: list.parsers }),
      onError: (error: ApiError) => onError.current?.(error),
    });
    return { tokens, client };
  });

  // Fetch the token as soon as the page is interactive rather than on the first click: the first
  // change is then as fast as the rest, and a page shown after its session ended (e.g. from the
  // router's back/forward cache after signing out) finds out at once and goes to sign-in.
  useEffect(() => {
    tokens.getToken().catch(() => {
      // Outages surface on the next real request, with the banner.
    });
  }, [tokens]);

  // Restored from the back/forward cache (e.g. after signing out): render afresh from the server,
  // which checks the session, instead of showing the list as it was.
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload();
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, []);

  return { client, sessionEnded };
}
