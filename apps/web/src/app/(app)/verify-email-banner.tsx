import { dismissVerificationBanner } from "./settings/actions";
import styles from "./app-shell.module.css";

/**
 * Shown to a signed-in user whose address is not verified yet (when verification is optional).
 * Server-rendered with a plain form, so it adds no JavaScript to the task list.
 */
export function VerifyEmailBanner({ email }: { email: string }) {
  return (
    // Static content, not an announcement: no live-region role (the task list's statuses stay the only ones).
    <aside className={`alert alert-warning ${styles.banner}`} aria-label="Email verification">
      <span>
        Please verify your email address: we sent a link to <strong>{email}</strong>. Nothing arrived?{" "}
        {/* Not "Settings": the navigation has that link, and one name should mean one link. */}
        <a href="/settings">Send a new link</a>
      </span>
      <form action={dismissVerificationBanner}>
        {/* Not "Dismiss": the task list has its own Dismiss button for notices. */}
        <button type="submit">Hide this reminder</button>
      </form>
    </aside>
  );
}
