"use client";

import { teamTasksUrl } from "@/lib/teams";
import styles from "./app-shell.module.css";

export interface ListSwitcherProps {
  teams: { id: string; name: string }[];
  /** The team the page belongs to (its tasks or its settings), or null: Personal. */
  currentTeamId: string | null;
}

/**
 * The header's "List" choice: Personal or one of the user's teams. Choosing one loads that list's
 * page with a plain navigation, like the header's links: neither next/link nor next/navigation,
 * whose code every page would carry (docs/decisions/007-list-path-database-tuning.md).
 */
export function ListSwitcher({ teams, currentTeamId }: ListSwitcherProps) {
  const current = teams.some((t) => t.id === currentTeamId) ? currentTeamId : null;
  return (
    <span className={styles.switcher}>
      <label htmlFor="list-switcher">List</label>
      <select
        id="list-switcher"
        className={styles.switcherSelect}
        value={current === null ? "/tasks" : teamTasksUrl(current)}
        onChange={(event) => window.location.assign(event.target.value)}
      >
        <option value="/tasks">Personal</option>
        {teams.map((team) => (
          <option key={team.id} value={teamTasksUrl(team.id)}>
            {team.name}
          </option>
        ))}
      </select>
    </span>
  );
}
