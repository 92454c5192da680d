"use client";

import type { AssignableTeamRole } from "@tandem/contracts";
import { useState } from "react";
import styles from "@/app/(app)/settings/settings.module.css";
import { FormStatus } from "@/components/form-status";
import { teamClient } from "@/lib/team-client";
import { roleLabel, type TeamMember } from "@/lib/teams";
import { useTeamAction } from "./use-team-action";

export interface MembersListProps {
  teamId: string;
  teamName: string;
  members: TeamMember[];
  myMemberId: string;
  /** Admins and the owner change roles and remove members below owner. */
  canManage: boolean;
  roles: AssignableTeamRole[];
}

/** The team's members with their roles; for admins and the owner, a role choice and "Remove". */
export function MembersList({ teamId, teamName, members, myMemberId, canManage, roles }: MembersListProps) {
  const { status, disabled, run } = useTeamAction();
  // The role just chosen, shown until the page's fresh render has it (or put back if refused).
  const [chosen, setChosen] = useState<Record<string, string>>({});

  async function changeRole(member: TeamMember, role: string) {
    setChosen((c) => ({ ...c, [member.memberId]: role }));
    const ok = await run(
      () =>
        teamClient.organization.updateMemberRole({ organizationId: teamId, memberId: member.memberId, role }),
      `${member.name} is now ${role}.`,
      `We couldn't change ${member.name}'s role.`,
    );
    if (!ok) setChosen(({ [member.memberId]: _, ...rest }) => rest);
  }

  function remove(member: TeamMember) {
    if (!window.confirm(`Remove ${member.name} from ${teamName}? They lose access to its tasks at once.`))
      return;
    void run(
      () =>
        teamClient.organization.removeMember({ organizationId: teamId, memberIdOrEmail: member.memberId }),
      `${member.name} was removed from the team.`,
      `We couldn't remove ${member.name}.`,
    );
  }

  return (
    <>
      <FormStatus status={status} />
      <ul className={styles.sessions} aria-label="Members">
        {members.map((member) => {
          const nameId = `member-${member.memberId}`;
          // The owner is changed only by a transfer; yourself, by leaving.
          const managed = canManage && member.role !== "owner" && member.memberId !== myMemberId;
          return (
            <li key={member.memberId} className={styles.session}>
              <div>
                <strong id={nameId}>{member.name}</strong>
                {member.memberId === myMemberId ? <span className={styles.badge}>You</span> : null}
                <p className={styles.sessionMeta}>
                  {member.email} · {member.role}
                </p>
              </div>
              {managed ? (
                <div className={styles.memberControls}>
                  <label htmlFor={`role-${member.memberId}`} className="sr-only">
                    {`Role for ${member.name}`}
                  </label>
                  <select
                    id={`role-${member.memberId}`}
                    value={chosen[member.memberId] ?? member.role}
                    disabled={disabled}
                    onChange={(e) => void changeRole(member, e.target.value)}
                  >
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {roleLabel(role)}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    disabled={disabled}
                    aria-describedby={nameId}
                    onClick={() => remove(member)}
                  >
                    Remove
                  </button>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}
