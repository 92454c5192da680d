// One message the mail catcher caught, and how its links are found.

/** One message as the catcher keeps it and serves it at /api/messages (addresses without names). */
export interface CaughtMessage {
  id: string;
  /** ISO 8601. */
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every http(s) link of the text part and the HTML hrefs, once each, in order. */
  links: string[];
}

/** The links of a message: URLs in the text, then hrefs in the HTML, without duplicates. */
export function extractLinks(text: string, html: string): string[] {
  const found = [
    // A sentence's closing punctuation is not part of the link.
    ...(text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? []).map((url) => url.replace(/[.,;:!?]+$/, "")),
    ...[...html.matchAll(/href\s*=\s*"(https?:\/\/[^"]+)"/gi)].map((m) =>
      (m[1] ?? "").replaceAll("&amp;", "&"),
    ),
  ];
  return [...new Set(found)];
}
