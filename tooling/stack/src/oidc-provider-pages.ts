// The development provider's pages: who are you (any email, verified or not), and do you allow
// the app in. Plain HTML forms, no script.

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 26rem; margin: 10vh auto; padding: 0 1rem; color: #1f2933; }
  h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
  .note { color: #52606d; font-size: .9rem; margin: 0 0 1.2rem; }
  label { display: block; margin: 0 0 .8rem; }
  input[type=email], input[type=text] { display: block; width: 100%; box-sizing: border-box; padding: .45rem; font: inherit; }
  .check { display: flex; gap: .5rem; align-items: center; }
  .actions { display: flex; gap: .75rem; margin-top: 1rem; }
  button { font: inherit; padding: .45rem 1rem; cursor: pointer; }
  .primary { background: #3451b2; color: #fff; border: 1px solid #3451b2; border-radius: 4px; }
  .secondary { background: #fff; border: 1px solid #9aa5b1; border-radius: 4px; }
`;

/** Headers for every page: nothing but the page's own inline style; never framed, never cached. */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  // No form-action: Chromium applies it to the redirects after a submit, which end at the app.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The login step: the tester types an email and says whether the provider vouches for it. */
export function loginPage(options: {
  uid: string;
  providerName: string;
  clientName: string;
  hint?: string;
}): string {
  const action = `/interaction/${encodeURIComponent(options.uid)}`;
  return page(
    `Sign in to ${options.providerName}`,
    `<h1>Sign in to ${escape(options.providerName)}</h1>
<p class="note">Development identity provider: any email signs in, no password. ${escape(options.clientName)} asked who you are.</p>
<form method="post" action="${action}/login">
  <label>Email <input type="email" name="email" required autofocus autocomplete="off" value="${escape(options.hint ?? "")}"></label>
  <label>Name <input type="text" name="name" autocomplete="off"></label>
  <label class="check"><input type="checkbox" name="email_verified" value="true" checked> Email verified</label>
  <div class="actions">
    <button type="submit" class="primary">Continue</button>
    <button type="submit" class="secondary" formaction="${action}/abort" formnovalidate>Cancel</button>
  </div>
</form>`,
  );
}

/** The consent step: allow the app to learn the email and name, or deny it. */
export function consentPage(options: {
  uid: string;
  providerName: string;
  clientName: string;
  email: string;
}): string {
  const action = `/interaction/${encodeURIComponent(options.uid)}`;
  return page(
    `Allow ${options.clientName}?`,
    `<h1>Allow ${escape(options.clientName)}?</h1>
<p class="note">${escape(options.clientName)} wants to sign you in with your ${escape(options.providerName)} account
<strong>${escape(options.email)}</strong> and learn your email address and name.</p>
<form method="post" action="${action}/consent">
  <div class="actions">
    <button type="submit" class="primary">Allow</button>
    <button type="submit" class="secondary" formaction="${action}/abort">Deny</button>
  </div>
</form>`,
  );
}

/** An error the provider shows itself (an unknown client, a redirect URI not registered…). */
export function errorPage(providerName: string, out: Record<string, string>): string {
  const lines = Object.entries(out)
    .map(([key, value]) => `<p><strong>${escape(key)}</strong>: ${escape(value)}</p>`)
    .join("");
  return page(`${providerName}: error`, `<h1>${escape(providerName)} could not sign you in</h1>${lines}`);
}
