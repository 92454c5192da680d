"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { type AuthFailure, authErrorMessage } from "./auth-errors";

/**
 * Submitting the sign-in or sign-up form: one request at a time, a readable message on failure,
 * and on success the page the visitor was going to (`next`, already checked to be same-origin).
 */
export function useAuthSubmission(next: string, action: "sign-in" | "sign-up") {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(request: () => Promise<{ error: AuthFailure | null }>): Promise<void> {
    setPending(true);
    setError(null);
    try {
      const { error: failure } = await request();
      if (failure) {
        setError(authErrorMessage(failure, action));
        return;
      }
      router.replace(next);
      router.refresh();
    } catch {
      setError(authErrorMessage(null, action));
    } finally {
      setPending(false);
    }
  }

  return { error, pending, submit, refuse: setError };
}
