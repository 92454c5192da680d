/** A same-origin path to return to after sign-in, or `/tasks`. Refuses `//host`, `/\host`, URLs. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/tasks";
  try {
    const url = new URL(next, "http://tandem.invalid");
    if (url.origin !== "http://tandem.invalid") return "/tasks";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/tasks";
  }
}
