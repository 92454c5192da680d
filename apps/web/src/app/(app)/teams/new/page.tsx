import type { Metadata } from "next";
import { requireSession } from "@/lib/session.server";
import { TEAM_NAME_MAX } from "@/lib/teams.server";
import { NewTeamForm } from "./new-team-form";

export const metadata: Metadata = { title: "New team" };
export const dynamic = "force-dynamic";

export default async function NewTeamPage() {
  await requireSession("/teams/new");
  return (
    <main className="container">
      <div className="card">
        <h1>New team</h1>
        <p className="hint">
          A team shares one task list. You will be its owner: invite people from its settings once it exists.
        </p>
        <NewTeamForm maxLength={TEAM_NAME_MAX} />
      </div>
    </main>
  );
}
