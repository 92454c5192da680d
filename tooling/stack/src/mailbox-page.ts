// The mail catcher's pages. Everything in a message is attacker-controllable text (a user's name
// goes into the greeting), so every value is escaped and message HTML only renders in a sandbox.
import { escapeHtml as escape } from "@tandem/mail";
import type { CaughtMessage } from "./mail-message.ts";

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1c1c28}
article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
pre{white-space:pre-wrap;background:#f6f6f9;padding:.75rem;border-radius:6px}
.meta{color:#5d5d6e;font-size:.9rem} iframe{width:100%;height:28rem;border:1px solid #ddd;border-radius:6px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function links(message: CaughtMessage): string {
  if (message.links.length === 0) return "";
  const items = message.links.map((link) => `<li><a href="${escape(link)}">${escape(link)}</a></li>`);
  return `<ul>${items.join("")}</ul>`;
}

/** The mailbox: newest first, with each message's links and text. */
export function mailboxHtml(messages: CaughtMessage[]): string {
  const intro =
    "<h1>Tandem mailbox</h1><p class=meta>Development only: every email the web app sends lands here, " +
    "nothing leaves this machine. Newest first; reload to see new mail.</p>";
  if (messages.length === 0) return page("Tandem mailbox", `${intro}<p>No messages yet.</p>`);
  const items = messages.map(
    (m) =>
      `<article><h2><a href="/messages/${escape(m.id)}">${escape(m.subject || "(no subject)")}</a></h2>` +
      `<p class=meta>To ${escape(m.to.join(", "))} · from ${escape(m.from)} · ${escape(m.receivedAt)}</p>` +
      `${links(m)}<pre>${escape(m.text)}</pre></article>`,
  );
  return page("Tandem mailbox", `${intro}${items.join("")}`);
}

/** One message: its text part, its links, and its HTML part in a sandboxed frame. */
export function messageHtml(message: CaughtMessage): string {
  return page(
    message.subject,
    `<p><a href="/">← Mailbox</a></p><h1>${escape(message.subject)}</h1>` +
      `<p class=meta>To ${escape(message.to.join(", "))} · from ${escape(message.from)} · ${escape(message.receivedAt)}</p>` +
      `${links(message)}<h2>HTML part</h2><iframe sandbox title="HTML part" srcdoc="${escape(message.html)}"></iframe>` +
      `<h2>Text part</h2><pre>${escape(message.text)}</pre>`,
  );
}
