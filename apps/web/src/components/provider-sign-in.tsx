import "server-only";
import { signInProviders } from "@/lib/sign-in-providers.server";
import { ProviderButtons } from "./provider-buttons";

/** The sign-in and sign-up pages' provider buttons: only the configured providers, by name. */
export function ProviderSignIn({ next }: { next: string }) {
  return <ProviderButtons providers={signInProviders()} next={next} />;
}
