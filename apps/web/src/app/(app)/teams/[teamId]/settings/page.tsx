import type { Metadata } from "next";
import { redirect } from "next/navigation";
import styles from "@/app/(app)/settings/settings.module.css";
import { requireSession } from "@/lib/session.server";
import { REMOVED_URL, teamSettingsUrl, teamTasksUrl } from "@/lib/teams";
import { ASSIGNABLE_TEAM_ROLES, listPendingInvitations, loadTeam, TEAM_NAME_MAX } from "@/lib/teams.server";
import { DeleteTeamForm } from "./delete-team-form";
import { InviteForm } from "./invite-form";
import { LeaveTeam } from "./leave-team";
import { MembersList } from "./members-list";
import { PendingInvitations } from "./pending-invitations";
import { RenameTeamForm } from "./rename-team-form";
import { TransferOwnershipForm } from "./transfer-ownership-form";

export const metadata: Metadata = { title: "Team settings" };
export const dynamic = "force-dynamic";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/**
 * A team's members, invitations and the owner's controls. Each control is shown only to the roles
 * Better Auth lets use it (packages/auth/src/teams/roles.ts), which still checks every request.
 */
export default async function TeamSettingsPage({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  const { user } = await requireSession(teamSettingsUrl(teamId));
  const team = await loadTeam(teamId, user.id);
  if (team === null) redirect(REMOVED_URL);
  const manager = team.role === "owner" || team.role === "admin";
  const owner = team.role === "owner";
  const invitations = manager ? await listPendingInvitations(team.id) : [];
  const others = team.members.filter((m) => m.memberId !== team.memberId);
  const roles = [...ASSIGNABLE_TEAM_ROLES];
  return (
    <main className="container">
      <h1>Team settings</h1>
      <p className={styles.intro}>
        <strong>{team.name}</strong> · Your role: {team.role} ·{" "}
        <a href={teamTasksUrl(team.id)}>Open the team&apos;s tasks</a>
      </p>
      <div className={styles.sections}>
        <section className="card" aria-labelledby="members-heading">
          <h2 id="members-heading">Members</h2>
          <MembersList
            teamId={team.id}
            teamName={team.name}
            members={team.members}
            myMemberId={team.memberId}
            canManage={manager}
            roles={roles}
          />
        </section>

        {manager ? (
          <section className="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">Invite member</h2>
            <InviteForm teamId={team.id} roles={roles} />
          </section>
        ) : null}

        {manager ? (
          <section className="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">Pending invitations</h2>
            <PendingInvitations
              invitations={invitations.map((i) => ({
                id: i.id,
                email: i.email,
                role: i.role,
                expiresAt: i.expiresAt.toISOString(),
                expiresLabel: dateFormat.format(i.expiresAt),
              }))}
            />
          </section>
        ) : null}

        {owner ? (
          <section className="card" aria-labelledby="name-heading">
            <h2 id="name-heading">Name</h2>
            <RenameTeamForm teamId={team.id} name={team.name} maxLength={TEAM_NAME_MAX} />
          </section>
        ) : null}

        {owner ? (
          <section className="card" aria-labelledby="transfer-heading">
            <h2 id="transfer-heading">Transfer ownership</h2>
            <p className={styles.intro}>
              The new owner can rename and delete the team; you stay in it as an admin.
            </p>
            <TransferOwnershipForm
              teamId={team.id}
              teamName={team.name}
              candidates={others.map(({ memberId, name, email }) => ({ memberId, name, email }))}
            />
          </section>
        ) : null}

        <section className="card" aria-labelledby="leave-heading">
          <h2 id="leave-heading">Leave team</h2>
          {owner ? (
            <p className={styles.intro}>Transfer ownership before leaving.</p>
          ) : (
            <LeaveTeam teamId={team.id} teamName={team.name} />
          )}
        </section>

        {owner ? (
          <section className={`card ${styles.danger}`} aria-labelledby="delete-heading">
            <h2 id="delete-heading">Delete team</h2>
            <p className={styles.intro}>
              This deletes the team and all its tasks for every member. It can&apos;t be undone.
            </p>
            <DeleteTeamForm teamId={team.id} teamName={team.name} />
          </section>
        ) : null}
      </div>
    </main>
  );
}
