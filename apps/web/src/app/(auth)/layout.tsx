import Link from "next/link";
import type { ReactNode } from "react";
import styles from "./auth.module.css";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className={`container ${styles.wrap}`}>
      <Link href="/" className={styles.brand}>
        Tandem
      </Link>
      <div className={`card ${styles.card}`}>{children}</div>
    </main>
  );
}
