import styles from "./app-shell.module.css";

/** Seconds between the page's own retries while the outage lasts. */
export const OUTAGE_RETRY_SECONDS = 5;

/**
 * What a signed-in page shows while the database cannot be reached (PostgreSQL restarting): the
 * session cannot be checked, so nothing of the user's is shown, but the user is not signed out
 * either (no redirect to sign-in). The page asks again by itself every few seconds, and comes back
 * as it was once the database answers. Server-rendered: no JavaScript.
 */
export function OutageNotice() {
  return (
    <main>
      {/* React hoists it into <head>: the browser reloads the page while the notice shows. */}
      <meta httpEquiv="refresh" content={String(OUTAGE_RETRY_SECONDS)} />
      <div role="alert" className={`alert alert-warning ${styles.banner}`}>
        <span>
          <strong>Can&apos;t reach the task service.</strong> Your changes are safe here — retry in a moment.
          This page tries again every {OUTAGE_RETRY_SECONDS} seconds.
        </span>
        {/* A plain link to this same page: a retry that needs no JavaScript. */}
        <a href="">Retry</a>
      </div>
    </main>
  );
}
