import type { SecurityEvent, SecurityEventType } from "@tandem/auth";
import styles from "./settings.module.css";
import { describeDevice } from "@tandem/auth/device";

const LABELS: Record<SecurityEventType, string> = {
  sign_in: "Signed in",
  sign_in_failed: "Failed sign-in (wrong password)",
  lockout: "Password sign-in locked after too many failures",
  password_changed: "Password changed",
  email_changed: "Email changed",
  session_revoked: "A device was signed out",
  sessions_revoked: "Other devices were signed out",
  sign_up: "Account created",
  new_device_sign_in: "Signed in from a new device (we emailed you)",
  password_reset_requested: "Password reset link requested",
  password_reset: "Password reset with an emailed link",
  password_reset_failed: "Password reset failed (link expired)",
  verification_sent: "Verification email sent",
  email_verified: "Email address verified",
  email_verification_failed: "Email verification link refused",
  email_change_requested: "Email change requested (confirmation sent to the new address)",
  email_delivery_failed: "An email to you could not be sent",
  team_created: "Team created",
  team_joined: "Joined a team",
  team_left: "Left a team",
  team_member_removed: "Removed from a team",
  team_role_changed: "Team role changed",
  team_invitation_sent: "Team invitation sent",
  team_invitation_accepted: "Team invitation accepted",
  team_invitation_declined: "Team invitation declined",
  team_ownership_transferred: "Team ownership transferred",
  team_deleted: "Team deleted",
  two_factor_enabled: "Two-factor authentication turned on",
  two_factor_disabled: "Two-factor authentication turned off",
  backup_code_used: "Signed in with a backup code",
  backup_codes_regenerated: "New backup codes generated",
  passkey_added: "Passkey added",
  passkey_removed: "Passkey removed",
  provider_linked: "Sign-in provider linked",
  provider_unlinked: "Sign-in provider unlinked",
  access_token_created: "Access token created",
  access_token_first_used: "Access token used for the first time",
  access_token_revoked: "Access token revoked",
};

/** A failed code step names what was wrong in its detail; a failed password step has none. */
function label(event: SecurityEvent): string {
  if (event.type === "sign_in_failed" && event.detail) return "Failed sign-in";
  return LABELS[event.type];
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/** The user's last security events, newest first (server-rendered: nothing here is editable). */
export function SecurityHistory({ events }: { events: SecurityEvent[] }) {
  if (events.length === 0) return <p className={styles.intro}>No security events yet.</p>;
  return (
    <ol className={styles.history} aria-label="Security events">
      {events.map((event) => (
        <li key={event.id}>
          <strong>
            {label(event)}
            {/* What the event was about (a team's name and what changed): plain text, React escapes it. */}
            {event.detail ? <span className={styles.detail}>: {event.detail}</span> : null}
          </strong>
          <span className={styles.meta}>
            <time dateTime={event.createdAt.toISOString()}>{dateFormat.format(event.createdAt)}</time>
            {" · "}
            {describeDevice(event.userAgent)}
            {" · "}
            {event.ip ?? "unknown address"}
          </span>
        </li>
      ))}
    </ol>
  );
}
