import type { AuthContext } from "better-auth";

/** Better Auth's provider id for the email-and-password account row. */
export const PASSWORD_PROVIDER_ID = "credential";

/** The ways an account can sign in on its own (a second factor is not one). */
export interface SignInMethods {
  password: boolean;
  passkeys: number;
  /** Provider ids of the linked accounts (GitHub, Google, the OpenID Connect provider…). */
  providers: string[];
}

export async function signInMethodsOf(
  context: Pick<AuthContext, "internalAdapter" | "adapter">,
  userId: string,
): Promise<SignInMethods> {
  const [accounts, passkeys] = await Promise.all([
    context.internalAdapter.findAccounts(userId),
    context.adapter.count({ model: "passkey", where: [{ field: "userId", value: userId }] }),
  ]);
  return {
    password: accounts.some((account) => account.providerId === PASSWORD_PROVIDER_ID && account.password),
    passkeys,
    providers: accounts
      .filter((account) => account.providerId !== PASSWORD_PROVIDER_ID)
      .map((account) => account.providerId),
  };
}

/** Whether the account keeps a way to sign in once one of its provider links is removed. */
export function keepsASignInMethodWithoutOneProvider(methods: SignInMethods): boolean {
  return methods.password || methods.passkeys > 0 || methods.providers.length > 1;
}
