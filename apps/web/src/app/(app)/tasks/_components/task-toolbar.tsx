"use client";

import {
  SEARCH_MAX,
  TASK_SORTS,
  TASK_STATUSES,
  type TaskSort,
  type TaskStats,
  type TaskStatus,
} from "@tandem/contracts/client";
import { useId } from "react";
import { useHydrated } from "@/lib/use-hydrated";
import { SORT_LABELS, type TaskView } from "./task-helpers";
import styles from "./tasks.module.css";

const STATUS_LABELS: Record<TaskStatus, string> = { all: "All", active: "Active", completed: "Completed" };

export interface TaskToolbarProps {
  view: TaskView;
  stats: TaskStats | null;
  searchText: string;
  onSearchText: (text: string) => void;
  onChange: (partial: Partial<TaskView>) => void;
}

/**
 * Filter, search and sort. The filter is a native radio group (arrow keys move between choices,
 * screen readers announce "Active 3, 2 of 3") styled as a segmented control.
 */
export function TaskToolbar({ view, stats, searchText, onSearchText, onChange }: TaskToolbarProps) {
  const id = useId();
  // Until hydration a choice would show but change nothing, and the next render would undo it.
  const locked = !useHydrated();
  return (
    <div className={styles.toolbar}>
      <fieldset className={styles.filters}>
        <legend className={styles.srOnly}>Show</legend>
        {TASK_STATUSES.map((status) => (
          <label key={status} className={styles.filter}>
            <input
              type="radio"
              name={`${id}-status`}
              value={status}
              checked={view.status === status}
              onChange={() => onChange({ status })}
              disabled={locked}
              className={styles.filterInput}
            />
            <span>{STATUS_LABELS[status]}</span>
            {stats && <span className={styles.count}>{stats[status]}</span>}
          </label>
        ))}
      </fieldset>
      <div className={styles.searchSort}>
        <div className={styles.search}>
          <label htmlFor={`${id}-search`} className={styles.srOnly}>
            Search
          </label>
          <svg className={styles.searchIcon} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="m13 13 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <input
            id={`${id}-search`}
            type="search"
            className={`${styles.input} ${styles.searchInput}`}
            placeholder="Search tasks"
            value={searchText}
            maxLength={SEARCH_MAX}
            onChange={(e) => onSearchText(e.target.value)}
            disabled={locked}
            autoComplete="off"
          />
        </div>
        <div className={styles.sort}>
          <label htmlFor={`${id}-sort`} className={styles.label}>
            Sort
          </label>
          <select
            id={`${id}-sort`}
            className={styles.select}
            value={view.sort}
            onChange={(e) => onChange({ sort: e.target.value as TaskSort })}
            disabled={locked}
          >
            {TASK_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </div>
      </div>
    </div>
  );
}
