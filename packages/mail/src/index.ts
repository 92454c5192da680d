// @tandem/mail: email for the account flows: one template per message (text and HTML from one
// definition) and delivery over SMTP with nodemailer, in the background with a deadline.
export { action, compose, escapeHtml, fineprint, paragraph } from "./compose.ts";
export type { Block, Composed, MessageDefinition } from "./compose.ts";
export { deliverInBackground, deliverNow, maskAddress } from "./deliver.ts";
export type { MailLog, NamedMessage } from "./deliver.ts";
export { parseMailFrom, parseSmtpUrl } from "./config.ts";
export type { SmtpUrl } from "./config.ts";
export { createSmtpMailer, MailDeliveryError } from "./smtp.ts";
export type { Mailer, MailMessage } from "./smtp.ts";
export {
  confirmEmailChange,
  emailChanged,
  formatWhen,
  newSignIn,
  passwordChanged,
  signInMethodChanged,
  passwordReset,
  resetPassword,
  teamInvitation,
  verifyEmail,
} from "./templates.ts";
export type { Rendered, TemplateName } from "./templates.ts";
