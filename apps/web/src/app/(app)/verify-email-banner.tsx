import { dismissVerificationBanner } from "./settings/actions";
import styles from "./app-shell.module.css";

/**
 * Shown to a signed-in user whose address is not verified yet (when verification is optional).
 * Server-rendered with a plain form, so it adds no JavaScript to the task list.
 */
export function VerifyEmailBanner({ email }: { email: string }) {
  return (
    <div className={`alert alert-warning ${styles.banner}`} role="status">
      <span>
        Please verify your email address: we sent a link to <strong>{email}</strong>. You can send a new one
        from <a href="/settings">Settings</a>.
      </span>
      <form action={dismissVerificationBanner}>
        <button type="submit">Dismiss</button>
      </form>
    </div>
  );
}
