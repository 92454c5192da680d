"use client";

import { failed, FormStatus, succeeded } from "@/components/form-status";
import { useSubmission } from "@/lib/use-submission";
import { resendVerification } from "./actions";

/** "Resend verification email": limited per address on the server (3 per hour). */
export function ResendVerificationButton() {
  const { status, pending, disabled, submit } = useSubmission("settings");
  return (
    <div>
      <FormStatus status={status} />
      <button
        type="button"
        disabled={disabled}
        onClick={() =>
          submit(async () => {
            const result = await resendVerification();
            return result.ok ? succeeded(result.message ?? "Sent.") : failed(result.error);
          })
        }
      >
        {pending ? "Sending…" : "Resend verification email"}
      </button>
    </div>
  );
}
