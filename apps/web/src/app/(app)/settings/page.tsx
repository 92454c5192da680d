import type { Metadata } from "next";
import { headers } from "next/headers";
import { FRESH_SIGN_IN_SECONDS, listSecurityEvents } from "@tandem/auth";
import { emailEnabled, getAuth, getDatabase } from "@/lib/auth.server";
import { requireSession } from "@/lib/session.server";
import { ChangeEmailForm } from "./change-email-form";
import { ChangePasswordForm } from "./change-password-form";
import { DeleteAccountForm } from "./delete-account-form";
import { ProfileForm } from "./profile-form";
import { TwoFactorSection } from "./two-factor-section";
import { PasskeysSection } from "./passkeys-section";
import { FreshSignInNotice } from "./fresh-sign-in-notice";
import { ResendVerificationButton } from "./resend-verification-button";
import { type SessionView, SessionsList } from "./sessions-list";
import styles from "./settings.module.css";
import { SecurityHistory } from "./security-history";
import { SignOutButton } from "@/components/sign-out-button";
import { describeDevice } from "@tandem/auth/device";
import { AccessTokensSection } from "./access-tokens-section";
import { SignInProvidersSection } from "./sign-in-providers-section";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

async function activeSessions(currentId: string): Promise<SessionView[]> {
  const sessions = await getAuth().api.listSessions({ headers: await headers() });
  return sessions
    .map((s) => {
      const created = new Date(s.createdAt);
      const lastActive = new Date(s.updatedAt);
      return {
        id: s.id,
        device: describeDevice(s.userAgent),
        ip: s.ipAddress || "unknown",
        createdAt: created.toISOString(),
        createdLabel: dateFormat.format(created),
        lastActiveAt: lastActive.toISOString(),
        lastActiveLabel: dateFormat.format(lastActive),
        current: s.id === currentId,
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || b.lastActiveAt.localeCompare(a.lastActiveAt));
}

/** When this session stops counting as a recent sign-in (packages/auth fresh-sign-in rule). */
function freshUntil(createdAt: Date | string): string {
  return new Date(new Date(createdAt).getTime() + FRESH_SIGN_IN_SECONDS * 1000).toISOString();
}

export default async function SettingsPage() {
  const { user, session } = await requireSession("/settings");
  const [sessions, events] = await Promise.all([
    activeSessions(session.id),
    listSecurityEvents(getDatabase().db, user.id, 20),
  ]);
  const emailOn = emailEnabled();
  return (
    <main className="container">
      <h1>Settings</h1>
      <div className={styles.sections}>
        <FreshSignInNotice freshUntil={freshUntil(session.createdAt)} />
        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <dl className={styles.details}>
            <dt>Email</dt>
            <dd>
              {user.email}{" "}
              <span className={user.emailVerified ? styles.verified : styles.unverified}>
                {user.emailVerified ? "Verified" : "Not verified"}
              </span>
            </dd>
          </dl>
          {emailOn && !user.emailVerified ? <ResendVerificationButton /> : null}
          <ProfileForm name={user.name} />
        </section>

        <section className="card" aria-labelledby="email-heading">
          <h2 id="email-heading">Change email</h2>
          {emailOn ? (
            <p className={styles.intro}>
              We'll send a confirmation link to the new address; the change takes effect when you open it, and
              we'll tell your current address.
            </p>
          ) : null}
          <ChangeEmailForm />
        </section>

        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <ChangePasswordForm />
        </section>

        <TwoFactorSection userId={user.id} enabled={user.twoFactorEnabled === true} />

        <PasskeysSection />

        <SignInProvidersSection />

        <AccessTokensSection />

        <section className="card" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Active sessions</h2>
          <p className={styles.intro}>Devices where you're signed in to Tandem.</p>
          <SessionsList sessions={sessions} />
        </section>

        <section className="card" aria-labelledby="history-heading">
          <h2 id="history-heading">Security history</h2>
          <p className={styles.intro}>Your last 20 sign-ins and account changes.</p>
          <SecurityHistory events={events} />
        </section>

        <section className="card" aria-labelledby="sign-out-heading">
          <h2 id="sign-out-heading">Sign out</h2>
          <SignOutButton />
        </section>

        <section className={`card ${styles.danger}`} aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete account</h2>
          <p className={styles.intro}>
            This deletes your account and all your tasks, and signs you out everywhere. It can't be undone.
            Teams you own alone are deleted too; a team you own with others must first be handed over
            (Transfer ownership, in its Team settings) or deleted.
          </p>
          <DeleteAccountForm />
        </section>
      </div>
    </main>
  );
}
