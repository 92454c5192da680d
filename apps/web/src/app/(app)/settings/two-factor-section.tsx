import { getAuth } from "@/lib/auth.server";
import { TwoFactorSettings } from "./two-factor-settings";

/** How many unused backup codes the user has (server-only Better Auth call), or null if unknown. */
async function backupCodesLeft(userId: string): Promise<number | null> {
  try {
    const { backupCodes } = await getAuth().api.viewBackupCodes({ body: { userId } });
    return backupCodes.length;
  } catch {
    return null;
  }
}

/** Settings: "Two-factor authentication" (decision 017). */
export async function TwoFactorSection({ userId, enabled }: { userId: string; enabled: boolean }) {
  const codesLeft = enabled ? await backupCodesLeft(userId) : null;
  return (
    <section className="card" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor authentication</h2>
      <TwoFactorSettings enabled={enabled} codesLeft={codesLeft} />
    </section>
  );
}
