"use client";

import { useEffect, useState } from "react";

/**
 * Sensitive changes need a sign-in under 10 minutes old (decision 017). Shown once the session is
 * older than that — also while the page stays open — with the way to confirm: a sign-in that
 * replaces this session and comes back here.
 */
export function FreshSignInNotice({ freshUntil }: { freshUntil: string }) {
  const until = Date.parse(freshUntil);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    const check = () => setStale(Date.now() >= until);
    check();
    const timer = setInterval(check, 15_000);
    return () => clearInterval(timer);
  }, [until]);
  if (!stale) return null;
  return (
    <section className="card alert-warning" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading">Confirm it's you</h2>
      <p>
        Changing your email, password, two-factor, passkeys, sign-in providers or access tokens, or deleting
        your account, needs a sign-in from the last 10 minutes.{" "}
        <a href={"/sign-in?reason=confirm&next=%2Fsettings"}>Sign in again</a>
      </p>
    </section>
  );
}
