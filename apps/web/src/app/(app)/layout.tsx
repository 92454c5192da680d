import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { isDatabaseUnavailable } from "@tandem/db";
import { emailEnabled } from "@/lib/auth.server";
import { REQUEST_PATH_HEADER, teamIdOfPath } from "@/lib/request-path";
import { requireSession, type ServerSession } from "@/lib/session.server";
import { listMyTeams } from "@/lib/teams.server";
import { VERIFY_BANNER_COOKIE } from "@/lib/verify-banner";
import styles from "./app-shell.module.css";
import { ListSwitcher } from "./list-switcher";
import { OutageNotice } from "./outage-notice";
import { VerifyEmailBanner } from "./verify-email-banner";

export const dynamic = "force-dynamic";

/**
 * Every page below needs a signed-in user; the proxy is only a fast path, this is the check.
 * The navigation uses plain links: every page is rendered per request anyway, and next/link would
 * grow each page's first-load JavaScript (docs/decisions/007-list-path-database-tuning.md).
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  let session: ServerSession;
  let teams: Awaited<ReturnType<typeof listMyTeams>>;
  try {
    session = await requireSession("/tasks");
    teams = await listMyTeams(session.user.id);
  } catch (error) {
    // The database is down (Better Auth keeps the driver's error as the cause): say so, and keep
    // the user signed in. Anything else, the sign-in redirect included, goes on as thrown.
    if (isDatabaseUnavailable(error)) return <OutageNotice />;
    throw error;
  }
  const currentTeamId = teamIdOfPath((await headers()).get(REQUEST_PATH_HEADER) ?? "");
  const showVerifyBanner =
    emailEnabled() &&
    !session.user.emailVerified &&
    (await cookies()).get(VERIFY_BANNER_COOKIE) === undefined;
  return (
    <>
      <header className={styles.header}>
        <nav className={styles.nav} aria-label="Main">
          <a href="/tasks" className={styles.brand}>
            Tandem
          </a>
          <ListSwitcher teams={teams} currentTeamId={currentTeamId} />
          <div className={styles.links}>
            <a href="/teams/new">New team</a>
            <a href="/tasks">Tasks</a>
            <a href="/settings">Settings</a>
            <span className={styles.user} title={session.user.email}>
              {session.user.name}
            </span>
          </div>
        </nav>
      </header>
      {showVerifyBanner ? <VerifyEmailBanner email={session.user.email} /> : null}
      {children}
    </>
  );
}
