// What a browser does in a provider sign-in, done with fetch for the Vitest suites: cookies per
// host (as browsers keep them, whatever the port) and redirects followed one at a time, so a test
// can stop at any hop, read it, or change it before going on.

interface StoredCookie {
  value: string;
  path: string;
}

export interface Hop {
  url: URL;
  response: Response;
}

export interface BrowseOptions {
  method?: "GET" | "POST";
  /** A form body (`application/x-www-form-urlencoded`), or a JSON one. */
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Stop before requesting a URL this accepts (it is returned unrequested). */
  stopAt?: (url: URL) => boolean;
}

/** A cookie-keeping client that follows redirects by hand. */
export class TestBrowser {
  readonly #jar = new Map<string, Map<string, StoredCookie>>();

  /** The `Cookie` header this browser sends to `url`. */
  cookieHeader(url: URL | string): string {
    const target = new URL(url);
    const cookies = this.#jar.get(target.hostname) ?? new Map<string, StoredCookie>();
    return [...cookies]
      .filter(([, cookie]) => target.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join("; ");
  }

  /** One cookie's value for `url`'s host, or undefined. */
  cookie(url: URL | string, name: string): string | undefined {
    return this.#jar.get(new URL(url).hostname)?.get(name)?.value;
  }

  /** Adds a `name=value` cookie for `url`'s host (a session signed in elsewhere). */
  addCookie(url: URL | string, pair: string): void {
    const eq = pair.indexOf("=");
    this.#cookies(new URL(url)).set(pair.slice(0, eq), { value: pair.slice(eq + 1), path: "/" });
  }

  /** Forgets one cookie (a test of what happens without it). */
  dropCookie(url: URL | string, name: string): void {
    this.#jar.get(new URL(url).hostname)?.delete(name);
  }

  /** One request, no redirect followed; its cookies are kept. */
  async request(url: URL | string, options: BrowseOptions = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(options.headers);
    const cookie = this.cookieHeader(target);
    if (cookie !== "") headers.set("cookie", cookie);
    let body: string | undefined;
    if (options.form !== undefined) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(options.json);
    }
    const response = await fetch(target, {
      method: options.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      redirect: "manual",
      ...(body === undefined ? {} : { body }),
    });
    this.#keep(target, response);
    return response;
  }

  /**
   * Requests `url` and follows redirects (POST becomes GET, as browsers do after 302 and 303)
   * until an answer is not a redirect or the next URL is one `stopAt` accepts.
   */
  async browse(url: URL | string, options: BrowseOptions = {}): Promise<Hop & { stopped: boolean }> {
    let target = new URL(url);
    let response = await this.request(target, options);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { url: target, response, stopped: false };
      }
      await response.body?.cancel();
      target = new URL(location, target);
      if (options.stopAt?.(target)) return { url: target, response, stopped: true };
      response = await this.request(target);
    }
    throw new Error(`more than 20 redirects, last ${target.href}`);
  }

  #cookies(url: URL): Map<string, StoredCookie> {
    let cookies = this.#jar.get(url.hostname);
    if (cookies === undefined) {
      cookies = new Map();
      this.#jar.set(url.hostname, cookies);
    }
    return cookies;
  }

  #keep(url: URL, response: Response): void {
    const cookies = this.#cookies(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const maxAge = attribute("max-age");
      const expires = attribute("expires");
      const expired =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) <= Date.now()) ||
        value === "";
      if (expired) cookies.delete(name);
      else cookies.set(name, { value, path: attribute("path") ?? "/" });
    }
  }
}
