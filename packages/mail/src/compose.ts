// One definition per message renders both parts: a message is a subject, an optional preheader and a
// list of blocks (paragraphs, action links, fine print), written once and rendered to text and HTML.

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "action"; label: string; url: string }
  | { kind: "fineprint"; text: string };

/** What a template writes; `compose` turns it into the two parts. */
export interface MessageDefinition {
  subject: string;
  /** The inbox preview line; hidden in the HTML body, left out of the text part. */
  preheader?: string;
  blocks: Block[];
}

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

/**
 * A paragraph of plain text (escaped in the HTML part).
 *
 * @example
 * paragraph(`Hi ${user.name},`)
 */
export const paragraph = (text: string): Block => ({ kind: "paragraph", text });

/**
 * A link to act on: a button in HTML, `label: url` on its own line in text. Throws unless `url` is
 * an absolute http(s) URL.
 *
 * @example
 * action("Reset password", "https://tandem.example/reset-password?token=…")
 */
export const action = (label: string, url: string): Block => ({ kind: "action", label, url: absolute(url) });

/**
 * Small print under the action (validity, "ignore this if…").
 *
 * @example
 * fineprint("The link works once and expires in 1 hour.")
 */
export const fineprint = (text: string): Block => ({ kind: "fineprint", text });

const NOT_ABSOLUTE = "a link in an email must be an absolute http(s) URL";

/**
 * The caller builds links from the configured public URL only; a relative link, another scheme
 * (javascript:, data:) or a URL with whitespace or control characters (which could break the text
 * part into lines of the sender's choosing) is a bug, so it throws rather than sending.
 */
function absolute(url: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\s\u0000-\u001f\u007f]/.test(url)) throw new Error(NOT_ABSOLUTE);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(NOT_ABSOLUTE);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(NOT_ABSOLUTE);
  return url;
}

/**
 * Escapes text for HTML content and double-quoted attributes.
 *
 * @example
 * escapeHtml('<script>"x"</script>') // "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"
 */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function textOf(blocks: Block[]): string {
  const lines = blocks.map((block) =>
    block.kind === "action" ? `${block.label}: ${block.url}` : block.text,
  );
  return `${lines.join("\n\n")}\n\n— Tandem\n`;
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MUTED = "font-size:13px;color:#5d5d6e";

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(block.text)}</p>`;
    case "fineprint":
      return `<p style="margin:0 0 16px;line-height:1.5;${MUTED}">${escapeHtml(block.text)}</p>`;
    case "action":
      // The URL is repeated as text: some clients strip styles, and a reader may want to see where it goes.
      return (
        `<p style="margin:24px 0"><a href="${escapeHtml(block.url)}" style="display:inline-block;padding:10px 18px;` +
        `background:#4338ca;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600">` +
        `${escapeHtml(block.label)}</a></p>` +
        `<p style="margin:0 0 16px;${MUTED};word-break:break-all">` +
        `If the button does not work, open this link: ${escapeHtml(block.url)}</p>`
      );
  }
}

function htmlOf({ subject, preheader, blocks }: MessageDefinition): string {
  // Hidden from the reader and from screen readers; mail clients show it as the inbox preview.
  const hidden =
    preheader === undefined
      ? []
      : [
          `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all" aria-hidden="true">` +
            `${escapeHtml(preheader)}</div>`,
        ];
  return [
    "<!doctype html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      `<title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:24px;background:#f6f6f9;color:#1c1c28;${FONT}">`,
    ...hidden,
    '<div role="article" aria-label="' +
      escapeHtml(subject) +
      '" style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">',
    ...blocks.map(htmlBlock),
    '<p style="margin:24px 0 0;color:#5d5d6e">— Tandem</p>',
    "</div></body></html>",
  ].join("\n");
}

/**
 * Renders one message to its subject, text part and HTML part.
 *
 * @example
 * compose({ subject: "Hello", preheader: "A short preview", blocks: [paragraph("Hi Ada,"), action("Open", url)] })
 */
export function compose(message: MessageDefinition): Composed {
  return { subject: message.subject, text: textOf(message.blocks), html: htmlOf(message) };
}
