/**
 * The page's path, as proxy.ts passes it to the server render (a layout is not told which page it
 * wraps). It only chooses what the header shows as current, so a value a client made up would
 * mislead nobody but itself; the proxy replaces it anyway.
 */
export const REQUEST_PATH_HEADER = "x-tandem-path";

const TEAM_PATH = /^\/teams\/([^/]+)\//;

/** The team a page belongs to (`/teams/{id}/…`), or null. */
export function teamIdOfPath(path: string): string | null {
  const match = TEAM_PATH.exec(path)?.[1];
  if (match === undefined) return null;
  try {
    return decodeURIComponent(match);
  } catch {
    return null;
  }
}
