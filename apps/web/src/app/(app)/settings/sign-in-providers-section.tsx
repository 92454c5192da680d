import { headers } from "next/headers";
import { getAuth } from "@/lib/auth.server";
import { signInProviders } from "@/lib/sign-in-providers.server";
import { type ProviderRow, SignInProvidersManager } from "./sign-in-providers-manager";
import styles from "./settings.module.css";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/** Better Auth's account row of the email-and-password sign-in: not a linked provider. */
const PASSWORD_PROVIDER_ID = "credential";

/**
 * Settings, "Sign-in providers": each configured provider, linked or not, with "Link <name>" or
 * "Unlink"; a provider linked before it was removed from the configuration still shows, so it
 * can be unlinked. Nothing at all when no provider is configured or linked.
 */
export async function SignInProvidersSection() {
  const configured = signInProviders();
  const accounts = await getAuth().api.listUserAccounts({ headers: await headers() });
  const links = accounts.filter((account) => account.providerId !== PASSWORD_PROVIDER_ID);
  if (configured.length === 0 && links.length === 0) return null;

  const row = (providerId: string, name: string, link: (typeof links)[number] | null): ProviderRow => {
    const linkedAt = link === null ? null : new Date(link.createdAt);
    return {
      key: link?.id ?? `unlinked-${providerId}`,
      providerId,
      name,
      accountId: link?.id ?? null,
      linkedAt: linkedAt?.toISOString() ?? null,
      linkedLabel: linkedAt === null ? null : dateFormat.format(linkedAt),
      configured: configured.some((provider) => provider.id === providerId),
    };
  };
  const rows: ProviderRow[] = [
    ...configured.flatMap((provider) => {
      const own = links.filter((link) => link.providerId === provider.id);
      return own.length === 0
        ? [row(provider.id, provider.name, null)]
        : own.map((link) => row(provider.id, provider.name, link));
    }),
    ...links
      .filter((link) => !configured.some((provider) => provider.id === link.providerId))
      .map((link) => row(link.providerId, link.providerId, link)),
  ];

  return (
    <section className="card" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Sign-in providers</h2>
      <p className={styles.intro}>
        Sign in with another account instead of your password. Linking needs the provider to confirm that your
        email address is verified.
      </p>
      <SignInProvidersManager rows={rows} />
    </section>
  );
}
