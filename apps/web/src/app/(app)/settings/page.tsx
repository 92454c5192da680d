import type { Metadata } from "next";
import { requireSession } from "@/lib/session.server";
import { SignOutButton } from "./sign-out-button";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const { user } = await requireSession("/settings");
  return (
    <main className="container">
      <h1>Settings</h1>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl>
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
        </dl>
        <SignOutButton />
      </section>
    </main>
  );
}
