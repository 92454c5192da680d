"use client";

import { useEffect, useRef } from "react";
import { type TeamSnapshot, teamSnapshot } from "../../actions";

/** How often a visible team list looks for its members' changes. */
export const TEAM_POLL_MS = 10_000;

interface Options {
  teamId: string;
  /** Fetches the list again in the background (useTasks' `refresh`). */
  refresh: () => Promise<void>;
  /** User ids the list mentions that the member list does not know (yet). */
  unknownIds: readonly string[];
  onSnapshot: (snapshot: Extract<TeamSnapshot, { kind: "member" }>) => void;
  onRemoved: () => void;
}

/**
 * Keeps a team's list current without a reload: the tasks every 10 s while the page is visible and
 * when the window regains focus; the members and the caller's role on focus, and when a task names
 * someone the page does not know (a teammate who just joined). `syncTeam(true)` is how the page
 * checks a "no such team" from the API: the API may remember a membership for a few seconds
 * (AUTH_REVOCATION_CHECK_SECONDS), the database read here is current.
 */
export function useTeamSync({ teamId, refresh, unknownIds, onSnapshot, onRemoved }: Options) {
  const latest = useRef({ refresh, onSnapshot, onRemoved });
  useEffect(() => {
    latest.current = { refresh, onSnapshot, onRemoved };
  });

  // One look at a time: the list and its counts refused together ask once.
  const inFlight = useRef<Promise<void> | null>(null);
  const syncTeam = useRef((unansweredMeansRemoved = false) => {
    inFlight.current ??= (async () => {
      let snapshot: TeamSnapshot;
      try {
        snapshot = await teamSnapshot(teamId);
      } catch {
        // The web server did not answer: the next focus tries again, unless the API said "no
        // such team" already, which is then believed.
        if (unansweredMeansRemoved) latest.current.onRemoved();
        return;
      }
      if (snapshot.kind === "member") latest.current.onSnapshot(snapshot);
      else if (snapshot.kind === "removed") latest.current.onRemoved();
      // Signed out: the task client's next request finds out and goes to sign-in.
    })().finally(() => {
      inFlight.current = null;
    });
    return inFlight.current;
  });

  useEffect(() => {
    const visible = () => document.visibilityState === "visible";
    const timer = setInterval(() => {
      if (visible()) void latest.current.refresh();
    }, TEAM_POLL_MS);
    const onFocus = () => {
      void latest.current.refresh();
      void syncTeam.current();
    };
    const onVisibility = () => {
      if (visible()) onFocus();
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);

  // Each unknown id is looked up once: a former member stays unknown, and must not cost a request
  // every time the list refreshes.
  const asked = useRef(new Set<string>());
  const fresh = unknownIds.filter((id) => !asked.current.has(id));
  const freshKey = fresh.join(",");
  useEffect(() => {
    if (freshKey === "") return;
    for (const id of freshKey.split(",")) asked.current.add(id);
    void syncTeam.current();
  }, [freshKey]);

  return { syncTeam: syncTeam.current };
}
