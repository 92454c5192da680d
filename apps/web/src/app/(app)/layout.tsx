import Link from "next/link";
import type { ReactNode } from "react";
import { requireSession } from "@/lib/session.server";
import styles from "./app-shell.module.css";

export const dynamic = "force-dynamic";

/** Every page below needs a signed-in user; the proxy is only a fast path, this is the check. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await requireSession("/tasks");
  return (
    <>
      <header className={styles.header}>
        <nav className={styles.nav} aria-label="Main">
          <Link href="/tasks" className={styles.brand}>
            Tandem
          </Link>
          <div className={styles.links}>
            <Link href="/tasks">Tasks</Link>
            <Link href="/settings">Settings</Link>
            <span className={styles.user} title={session.user.email}>
              {session.user.name}
            </span>
          </div>
        </nav>
      </header>
      {children}
    </>
  );
}
