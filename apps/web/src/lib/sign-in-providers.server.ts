import "server-only";
import { configuredProviders, type FederatedProvider } from "@tandem/auth";
import { env } from "../env";

/** The sign-in providers this server offers: ids and names only, never their secrets. */
export function signInProviders(): FederatedProvider[] {
  return configuredProviders(env().FEDERATION);
}

/** A configured provider's name, or null (an id from a URL may name anything). */
export function signInProviderName(id: unknown): string | null {
  return signInProviders().find((provider) => provider.id === id)?.name ?? null;
}
