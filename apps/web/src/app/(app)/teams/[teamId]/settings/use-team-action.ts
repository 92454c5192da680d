"use client";

import { useRouter } from "next/navigation";
import { failed, succeeded } from "@/components/form-status";
import type { AuthFailure } from "@/lib/auth-errors";
import { isNoLongerMember, teamErrorMessage } from "@/lib/team-errors";
import { REMOVED_URL } from "@/lib/teams";
import { useSubmission } from "@/lib/use-submission";

/**
 * One team-settings control's request: its status and busy state, a readable message when Better
 * Auth refuses, a trip back to the personal list when the caller is no longer a member, and a
 * fresh server render of the page when it worked (members, roles, invitations, the header's teams).
 *
 * @example
 * const { run } = useTeamAction();
 * await run(() => teamClient.organization.leave({ organizationId }), "Left.", "We couldn't leave the team.");
 */
export function useTeamAction() {
  const router = useRouter();
  const submission = useSubmission("settings");

  async function run(
    request: () => Promise<{ error: AuthFailure | null }>,
    success: string,
    fallback: string,
  ): Promise<boolean> {
    let ok = false;
    await submission.submit(async () => {
      const { error } = await request();
      if (error) {
        if (isNoLongerMember(error)) {
          window.location.assign(REMOVED_URL);
          return "navigating";
        }
        return failed(teamErrorMessage(error, fallback));
      }
      ok = true;
      router.refresh();
      return succeeded(success);
    });
    return ok;
  }

  return { ...submission, run };
}
