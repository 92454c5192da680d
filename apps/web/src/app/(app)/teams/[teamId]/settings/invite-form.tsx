"use client";

import type { AssignableTeamRole } from "@tandem/contracts";
import type { FormEvent } from "react";
import { Field } from "@/components/field";
import { FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { roleLabel } from "@/lib/teams";
import { useTeamAction } from "./use-team-action";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Invites someone by email with a role below owner. Better Auth mails the link when email is on;
 * the pending list below offers it to copy either way. Inviting an address again replaces its
 * earlier invitation (packages/auth teams.ts).
 */
export function InviteForm({ teamId, roles }: { teamId: string; roles: AssignableTeamRole[] }) {
  const { status, pending, disabled, run, refuse } = useTeamAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    // Read the DOM, not React state: what was typed or chosen before hydration counts.
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const role = roles.find((r) => r === data.get("role"));
    if (!EMAIL.test(email)) return refuse("Enter a valid email address.");
    if (role === undefined) return refuse("Choose a role.");
    const ok = await run(
      () => teamClient.organization.inviteMember({ organizationId: teamId, email, role }),
      `Invitation sent to ${email}`,
      "We couldn't send the invitation.",
    );
    if (ok) form.reset();
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      <FormStatus status={status} />
      <Field id="invite-email" name="email" label="Email" type="email" autoComplete="off" required />
      <div className="field">
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" name="role" defaultValue="member">
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary" disabled={disabled}>
        {pending ? "Inviting…" : "Invite member"}
      </button>
    </form>
  );
}
