import type { Metadata } from "next";
import { ProviderSignIn } from "@/components/provider-sign-in";
import { signInErrorMessage } from "@/lib/provider-errors";
import { safeNext } from "@/lib/safe-next";
import { signInProviderName } from "@/lib/sign-in-providers.server";
import { PasskeySignIn } from "./passkey-sign-in";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNext(typeof params.next === "string" ? params.next : null);
  const notice =
    signInErrorMessage(
      typeof params.error === "string" ? params.error : null,
      signInProviderName(params.provider),
    ) ??
    (params.reason === "session-ended"
      ? "Your session has ended — please sign in again"
      : params.reason === "password-reset"
        ? "Your password has been reset and every device signed out. Sign in with your new password."
        : params.reason === "confirm"
          ? "Confirm it's you: sign in again to make that change."
          : null);
  return (
    <>
      <SignInForm next={next} notice={notice} />
      <PasskeySignIn next={next} />
      <ProviderSignIn next={next} />
    </>
  );
}
