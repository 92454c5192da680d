import Link from "next/link";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/session.server";
import styles from "./home.module.css";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  if (await getSession()) redirect("/tasks");
  return (
    <main className={`container ${styles.home}`}>
      <h1 className={styles.title}>Tandem</h1>
      <p className={styles.lead}>
        A task list for everyone on your team — each person sees only their own tasks, kept safe by
        short-lived signed tokens and a session you can end at any time.
      </p>
      <div className={styles.actions}>
        <Link className={styles.primary} href="/sign-up">
          Create an account
        </Link>
        <Link href="/sign-in">Sign in</Link>
      </div>
    </main>
  );
}
