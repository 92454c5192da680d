import type { Metadata } from "next";
import { emailVerificationRequired } from "@/lib/auth.server";
import { ProviderSignIn } from "@/components/provider-sign-in";
import { safeNext } from "@/lib/safe-next";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeNext(typeof params.next === "string" ? params.next : null);
  return (
    <>
      <SignUpForm next={next} verificationRequired={emailVerificationRequired()} />
      <ProviderSignIn next={next} />
    </>
  );
}
