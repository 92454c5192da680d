// One definition per message renders both parts: a message is a subject and a list of blocks
// (paragraphs, one action link, fine print), written once and rendered to text and to HTML.

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "action"; label: string; url: string }
  | { kind: "fineprint"; text: string };

export const paragraph = (text: string): Block => ({ kind: "paragraph", text });
export const action = (label: string, url: string): Block => ({ kind: "action", label, url: absolute(url) });
export const fineprint = (text: string): Block => ({ kind: "fineprint", text });

/** Links are built by the caller from the configured public URL; anything else is a bug. */
function absolute(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("a link in an email must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error("a link in an email must be an absolute http(s) URL");
  }
  return url;
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

function textOf(blocks: Block[]): string {
  const lines = blocks.map((block) =>
    block.kind === "action" ? `${block.label}: ${block.url}` : block.text,
  );
  return `${lines.join("\n\n")}\n\n— Tandem\n`;
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function htmlOf(subject: string, blocks: Block[]): string {
  const body = blocks
    .map((block) => {
      switch (block.kind) {
        case "paragraph":
          return `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(block.text)}</p>`;
        case "fineprint":
          return `<p style="margin:0 0 16px;line-height:1.5;font-size:13px;color:#5d5d6e">${escapeHtml(block.text)}</p>`;
        case "action":
          return (
            `<p style="margin:24px 0"><a href="${escapeHtml(block.url)}" style="display:inline-block;padding:10px 18px;` +
            `background:#4338ca;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600">` +
            `${escapeHtml(block.label)}</a></p>` +
            `<p style="margin:0 0 16px;font-size:13px;color:#5d5d6e;word-break:break-all">` +
            `If the button does not work, open this link: ${escapeHtml(block.url)}</p>`
          );
      }
    })
    .join("\n");
  return [
    "<!doctype html>",
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:24px;background:#f6f6f9;color:#1c1c28;${FONT}">`,
    '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">',
    body,
    '<p style="margin:24px 0 0;color:#5d5d6e">— Tandem</p>',
    "</div></body></html>",
  ].join("\n");
}

/** Renders one message to its subject, text part and HTML part. */
export function compose(subject: string, blocks: Block[]): Composed {
  return { subject, text: textOf(blocks), html: htmlOf(subject, blocks) };
}
