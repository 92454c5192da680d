// A rough, readable device label ("Chrome on Linux") for the settings page and the new-sign-in notice.
// No runtime imports: the browser bundle imports this file (`@tandem/auth/device`).
type Rule = readonly [pattern: RegExp, label: string];

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android says "Linux".
const BROWSERS: readonly Rule[] = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/Firefox\/|FxiOS/, "Firefox"],
  [/HeadlessChrome/, "Headless Chrome"],
  [/Chrome\/|CriOS|Chromium/, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: readonly Rule[] = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

const match = (rules: readonly Rule[], ua: string) => rules.find(([pattern]) => pattern.test(ua))?.[1];

/** "Chrome on Linux"-style label from a User-Agent header; rough on purpose, for people to read. */
export function describeDevice(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim() ?? "";
  if (!ua) return "Unknown device";
  const browser = match(BROWSERS, ua) ?? "Unknown browser";
  const os = match(SYSTEMS, ua);
  return os ? `${browser} on ${os}` : browser;
}
