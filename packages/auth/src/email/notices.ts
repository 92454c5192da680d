import { emailChanged } from "@tandem/mail";
import { type AccountEmailContext, mailKit } from "./account-email.ts";

/** The account whose address just changed, as the security hooks see it. */
export interface ChangedAccount {
  id: string;
  name: string;
  email: string;
}

/**
 * The notice to the old address once an email change takes effect: whoever controls only the old
 * mailbox learns of it and can reset the password from there.
 */
export function emailChangeNotice(context: AccountEmailContext) {
  const { links, send } = mailKit(context);
  return (account: ChangedAccount, oldEmail: string): void => {
    send(
      account.id,
      oldEmail,
      emailChanged({
        name: account.name,
        oldEmail,
        newEmail: account.email,
        when: new Date(),
        resetUrl: links.forgot,
      }),
    );
  };
}
