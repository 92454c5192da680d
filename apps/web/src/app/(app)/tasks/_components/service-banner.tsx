"use client";

import styles from "./tasks.module.css";

/**
 * Shown while the task API cannot be reached or keeps failing. Nothing is lost meanwhile: forms keep
 * their text and the list keeps what it showed; Retry (or the automatic retry) reloads the list.
 */
// Retry is never disabled: disabling a focused button would drop keyboard focus; a second click
// simply restarts the load.
export function ServiceBanner({ onRetry, retrying }: { onRetry: () => void; retrying: boolean }) {
  return (
    <div role="alert" className={styles.banner} data-tone="warning">
      <p className={styles.bannerText}>
        <strong>Can&apos;t reach the task service.</strong> Your changes are safe here — retry in a moment.
      </p>
      <button type="button" className={styles.button} onClick={onRetry} aria-busy={retrying}>
        {retrying ? "Retrying…" : "Retry"}
      </button>
    </div>
  );
}
