"use client";

import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { useHydrated } from "@/lib/use-hydrated";

/** Signs out this device, then loads `then` (sign-in by default). */
export function SignOutButton({ then = "/sign-in" }: { then?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until hydration a click would be lost.
  const hydrated = useHydrated();

  async function signOut() {
    setPending(true);
    setError(null);
    try {
      const { error: failure } = await authClient.signOut();
      if (failure) throw new Error(failure.message);
      // A full navigation (not the client router) so no cached /tasks payload survives sign-out.
      window.location.replace(then);
    } catch {
      setError("We couldn't sign you out. Please try again.");
      setPending(false);
    }
  }

  return (
    <>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" onClick={signOut} disabled={pending || !hydrated}>
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </>
  );
}
